// Undo/redo over immutable documents: a bounded list of past states and a list of undone ones.

export interface History<T> {
  past: T[];
  present: T;
  future: T[];
}

/** States kept for undo. */
export const UNDO_LIMIT = 200;

export function start<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

/** A new state; the redo list is dropped. Pushing the same object is a no-op. */
export function push<T>(h: History<T>, next: T): History<T> {
  if (next === h.present) return h;
  const past = [...h.past, h.present];
  if (past.length > UNDO_LIMIT) past.splice(0, past.length - UNDO_LIMIT);
  return { past, present: next, future: [] };
}

export function undo<T>(h: History<T>): History<T> {
  if (h.past.length === 0) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] };
}

export function redo<T>(h: History<T>): History<T> {
  if (h.future.length === 0) return h;
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) };
}
