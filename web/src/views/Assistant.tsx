// The AI assistant as a chat panel: the answer streams in as the server sends `delta` events
// (POST /api/v1/ai/chat); tool runs are shown as they happen; the `done` event carries the
// whole answer with its source (language model or rule-based review) and simulation ids.
import { useState } from "react";
import type { ApiClient } from "../api/client";
import { errorText } from "./Platform";

interface Turn { role: "user" | "assistant"; content: string; note?: string }

export function AssistantPanel({ api, projectId }: { api: ApiClient; projectId: string | null }) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [prompt, setPrompt] = useState("");
  const [busy, setBusy] = useState(false);
  const ask = async (e: React.FormEvent) => {
    e.preventDefault();
    const text = prompt.trim();
    if (!text) return;
    const history = turns.map(({ role, content }) => ({ role, content }));
    setPrompt("");
    setBusy(true);
    const at = turns.length + 1;
    setTurns((t) => [...t, { role: "user", content: text }, { role: "assistant", content: "", note: "thinking…" }]);
    const update = (f: (t: Turn) => Turn) => setTurns((list) => list.map((t, i) => (i === at ? f(t) : t)));
    try {
      await api.stream("POST", "/api/v1/ai/chat", { prompt: text, project_id: projectId ?? undefined, history }, (ev) => {
        const data = ev.data ? JSON.parse(ev.data) : {};
        if (ev.event === "delta") update((t) => ({ ...t, content: t.content + (data.text ?? ""), note: undefined }));
        else if (ev.event === "tool") update((t) => ({ ...t, note: `running ${data.name ?? data.tool ?? "a tool"}…` }));
        else if (ev.event === "done") update((t) => ({
          ...t, content: t.content || data.answer || "", note: [data.source === "rule_based_review" ? "rule-based review" : data.model, data.cached ? "cached" : "", data.simulations?.length ? `simulations ${data.simulations.join(", ")}` : ""].filter(Boolean).join(" · "),
        }));
        else if (ev.event === "error") update((t) => ({ ...t, note: `error: ${data.message ?? "the assistant failed"}` }));
      });
    } catch (err) {
      update((t) => ({ ...t, note: `error: ${errorText(err)}` }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel assistant" aria-labelledby="assistant-title">
      <h2 id="assistant-title">Assistant</h2>
      {!projectId && <p className="hint">Open a project so that the assistant can read its circuit and results.</p>}
      <ol className="chat" aria-live="polite">
        {turns.map((t, i) => (
          <li key={i} className={`turn ${t.role}`}>
            <div className="bubble">{t.content}</div>
            {t.note && <div className="hint">{t.note}</div>}
          </li>
        ))}
      </ol>
      <form onSubmit={ask} className="inline-form chat-form">
        <textarea name="prompt" rows={2} value={prompt} onChange={(e) => setPrompt(e.target.value)} placeholder="Ask about this project: e.g. which bus has the highest fault current?" aria-label="Question"
          onKeyDown={(e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); (e.currentTarget.form as HTMLFormElement).requestSubmit(); } }} />
        <button type="submit" className="primary" disabled={busy}>Ask</button>
      </form>
    </section>
  );
}
