import { describe, expect, it } from "vitest";
import { readSse, SseParser } from "./sse";

describe("SseParser", () => {
  it("splits events and joins multi-line data", () => {
    const p = new SseParser();
    expect(p.push("event: progress\ndata: {\"done\":1}\n\nevent: done\ndata: a\ndata: b\n\n")).toEqual([
      { event: "progress", data: "{\"done\":1}" },
      { event: "done", data: "a\nb" },
    ]);
  });
  it("keeps a partial event for the next chunk, across CRLF split in two", () => {
    const p = new SseParser();
    expect(p.push("event: delta\r")).toEqual([]);
    expect(p.push("\ndata: {\"text\":\"Hel")).toEqual([]);
    expect(p.push("lo\"}\r\n\r\n")).toEqual([{ event: "delta", data: "{\"text\":\"Hello\"}" }]);
  });
  it("ignores comments (keep-alives) and events without data; default event name is message", () => {
    const p = new SseParser();
    expect(p.push(": keep-alive\n\nevent: x\n\ndata:plain\n\n")).toEqual([{ event: "message", data: "plain" }]);
  });
  it("reads a whole body stream, including a last event without a blank line", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("event: a\ndata: 1\n\nevent: b\n"));
        c.enqueue(new TextEncoder().encode("data: 2\n"));
        c.close();
      },
    });
    const seen: string[] = [];
    await readSse(body, (e) => seen.push(`${e.event}=${e.data}`));
    expect(seen).toEqual(["a=1", "b=2"]);
  });
});
