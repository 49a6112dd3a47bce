import { describe, expect, it } from "vitest";
import { push, redo, start, undo, UNDO_LIMIT } from "./history";

describe("history", () => {
  it("undoes and redoes, and a new state drops the redo list", () => {
    let h = start(1);
    h = push(h, 2);
    h = push(h, 3);
    h = undo(h);
    expect(h.present).toBe(2);
    h = undo(h);
    expect(h.present).toBe(1);
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe(2);
    h = push(h, 7);
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
  });
  it("keeps at most UNDO_LIMIT past states; pushing the same state is a no-op", () => {
    let h = start(0);
    for (let i = 1; i <= UNDO_LIMIT + 10; i++) h = push(h, i);
    expect(h.past.length).toBe(UNDO_LIMIT);
    expect(push(h, h.present)).toBe(h);
  });
});
