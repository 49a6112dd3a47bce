// The study form: every option of `ampflux sc`, the run buttons (locally in a Web Worker, or
// on the server for a saved version), progress and cancel. The kinds of study are listed so
// that duty and arc-flash studies join here as the engine gains them.
import { useState } from "react";
import { optionApplies, STUDY_KINDS, STUDY_OPTIONS, type FormStudy, type OptionValues } from "../model/options";

export interface RunState {
  state: "idle" | "running" | "done" | "failed" | "cancelled";
  where: "local" | "server";
  done: number;
  total: number;
  message?: string;
}

export function StudyForm({ study, onStudy, kinds = STUDY_KINDS, values, onChange, run, onRunLocal, onRunServer, onCancel, serverHint, optionError }: {
  study: FormStudy; onStudy: (s: FormStudy) => void;
  /** The studies the loaded engine offers. */
  kinds?: typeof STUDY_KINDS;
  values: OptionValues; onChange: (v: OptionValues) => void; run: RunState;
  onRunLocal: () => void; onRunServer?: () => void; onCancel: () => void; serverHint?: string; optionError?: { option?: string; message: string } | null;
}) {
  const [more, setMore] = useState(false);
  const running = run.state === "running";
  const pct = run.total > 0 ? Math.min(100, (100 * run.done) / run.total) : 0;
  return (
    <form className="study-form" onSubmit={(e) => { e.preventDefault(); onRunLocal(); }} aria-label="Study options">
      <label className="field"><span>Study</span>
        <select name="study_kind" value={study} onChange={(e) => onStudy(e.target.value as FormStudy)}>{kinds.map((k) => <option key={k.id} value={k.id}>{k.label}</option>)}</select>
      </label>
      <div className="options-grid">
        {STUDY_OPTIONS.filter((o) => optionApplies(o, study) && (more || !o.advanced)).map((o) => {
          const v = values[o.key];
          const bad = optionError?.option === o.key;
          const id = `opt-${o.key}`;
          return (
            <div key={o.key} className={`field ${bad ? "invalid" : ""}`} data-option={o.key}>
              <label htmlFor={id}>{o.label}{o.unit ? <span className="unit"> ({o.unit})</span> : null}</label>
              {o.kind === "select" ? (
                <select id={id} name={o.key} value={String(v)} onChange={(e) => onChange({ ...values, [o.key]: e.target.value })}>
                  {o.options!.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
                </select>
              ) : o.kind === "bool" ? (
                <input id={id} name={o.key} type="checkbox" checked={Boolean(v)} onChange={(e) => onChange({ ...values, [o.key]: e.target.checked })} />
              ) : (
                <input id={id} name={o.key} type="text" inputMode={o.kind === "number" ? "decimal" : "text"} value={String(v)} placeholder={o.kind === "number" ? "default" : ""}
                  aria-invalid={bad || undefined} onChange={(e) => onChange({ ...values, [o.key]: e.target.value })} />
              )}
              {o.help && <span className="hint">{o.help}</span>}
              {bad && <span className="field-error" role="alert">{optionError!.message}</span>}
            </div>
          );
        })}
      </div>
      {optionError && !optionError.option && <p className="field-error" role="alert">{optionError.message}</p>}
      <div className="form-actions">
        <button type="button" onClick={() => setMore(!more)}>{more ? "Fewer options" : "More options"}</button>
        <button type="submit" className="primary" id="run-local" disabled={running}>Run in this browser</button>
        {onRunServer && <button type="button" id="run-server" onClick={onRunServer} disabled={running || Boolean(serverHint)} title={serverHint}>Run on the server</button>}
        {running && <button type="button" id="cancel" className="danger" onClick={onCancel}>Cancel</button>}
      </div>
      {serverHint && onRunServer && <p className="hint">{serverHint}</p>}
      {running && (
        <div className="progress" role="status" aria-live="polite">
          <progress max={100} value={run.total > 0 ? pct : undefined} />
          <span>{run.where === "server" ? "on the server" : "in this browser"}: {run.total > 0 ? `${run.done} of ${run.total} work units (${pct.toFixed(0)} %)` : "starting…"}</span>
        </div>
      )}
      {run.state === "cancelled" && <p className="hint" role="status">The study was cancelled.</p>}
      {run.state === "failed" && run.message && <p className="field-error" role="alert">{run.message}</p>}
    </form>
  );
}
