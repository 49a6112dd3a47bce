// The document worker: reads, canonicalises and checks network documents with the WebAssembly
// engine, and lays out the diagram of large networks, off the main thread, so that opening a
// 100k-bus network never blocks the page. The document and the layout go back to the page as
// JSON text in parts (DOC_PART_ROWS rows each), each a short task for the page to parse.
/// <reference lib="webworker" />
import init, { Network } from "../../pkg/ampflux_wasm.js";
import { overviewPaths, bandLayout, applyPositions, type Layout, type Point } from "../diagram/bands";
import { buildGraph, diagramNodeCount, ELK_MAX_NODES, type Graph } from "../diagram/graph";
import { position, rows, unconnectedBuses, type NetworkDoc } from "../model/doc";
import { DOC_PART_ROWS, type Checked, type FromDoc, type ToDoc } from "./docProtocol";
import { errorIssues } from "./issues";

const post = (m: FromDoc) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);
const ready = init();

/** The text of the document last opened (the engine's compact JSON) or checked, and the request
 * that brought it: the page's document until it is edited, sent to studies from here so that the
 * page never makes it. */
let current: { of: number; text: string } | null = null;

/** The last layout made: its key, what it was made from, the band layout before positions. */
let last: { key: number; structure: string; positions: string; base: Layout } | null = null;

function sendRows(id: number, what: "doc" | "nodes" | "edges", table: string, list: unknown[]) {
  for (let i = 0; i < list.length || i === 0; i += DOC_PART_ROWS) {
    post({ kind: "part", id, what, table, json: JSON.stringify(list.slice(i, i + DOC_PART_ROWS)) });
  }
}

function checkText(text: string): Checked {
  let net: Network;
  try {
    net = Network.fromJson(text);
  } catch (err) {
    return { issues: errorIssues(err), readable: false };
  }
  try {
    return { issues: net.validate(), readable: true, digest: net.digest(), busCount: net.busCount };
  } finally {
    net.free();
  }
}

function structureKey(graph: Graph): string {
  return JSON.stringify([graph.nodes.map((n) => [n.id, n.level, n.badges, n.width, n.inService]), graph.edges.map((e) => [e.id, e.source, e.target, e.open, e.inService])]);
}

/** Sends the band layout of `doc` in parts, unless the page has it (`have`: the key of the page's layout). */
function sendLayout(id: number, doc: NetworkDoc, have?: number) {
  const graph = buildGraph(doc);
  const structure = structureKey(graph);
  const placed = new Map<string, Point>();
  for (const b of rows(doc, "buses")) {
    const p = position(b);
    if (p) placed.set(b.id, p);
  }
  const positions = JSON.stringify([...placed]);
  if (last && last.key === have && last.structure === structure && last.positions === positions) {
    post({ kind: "layout", id, head: null, unchanged: true });
    return;
  }
  const base = last?.structure === structure ? last.base : bandLayout(graph);
  last = { key: (last?.key ?? 0) + 1, structure, positions, base };
  const layout = { ...applyPositions(base, placed), key: last.key };
  sendRows(id, "nodes", "nodes", layout.nodes);
  sendRows(id, "edges", "edges", layout.edges);
  const { nodes: _n, edges: _e, ...head } = layout;
  post({ kind: "layout", id, head: JSON.stringify({ ...head, overview: overviewPaths(layout) }), unchanged: false });
}

async function open(id: number, source: Blob | string) {
  const text = typeof source === "string" ? source : await source.text();
  let net: Network;
  try {
    net = Network.fromJson(text);
  } catch (err) {
    post({ kind: "failed", id, issues: errorIssues(err) });
    return;
  }
  let doc: NetworkDoc;
  let checked: Checked;
  try {
    const text = net.toJson(false);
    current = { of: id, text };
    doc = JSON.parse(text) as NetworkDoc;
    checked = { issues: net.validate(), readable: true, digest: net.digest(), busCount: net.busCount };
  } finally {
    net.free();
  }
  checked.unconnected = unconnectedBuses(doc);
  const tables: string[] = [];
  const head: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (Array.isArray(v)) {
      tables.push(k);
      sendRows(id, "doc", k, v);
    } else {
      head[k] = v;
    }
  }
  post({ kind: "opened", id, head: JSON.stringify(head), tables });
  post({ kind: "checked", id, checked });
  finish(id, doc, true);
}

/** Ends a request: with the band layout of a large network when asked for, else with none. */
function finish(id: number, doc: NetworkDoc | null, layout: boolean, have?: number) {
  if (layout && doc && diagramNodeCount(doc) > ELK_MAX_NODES) sendLayout(id, doc, have);
  else post({ kind: "layout", id, head: null, unchanged: false });
}

function check(id: number, text: string, layout: boolean, have?: number) {
  current = { of: id, text };
  const checked = checkText(text);
  let doc: NetworkDoc | null = null;
  try {
    doc = JSON.parse(text) as NetworkDoc;
  } catch {
    doc = null;
  }
  if (doc && Array.isArray(doc.buses)) {
    try {
      checked.unconnected = unconnectedBuses(doc);
    } catch {
      // a document the engine cannot read may have any shape: no structural note then
    }
  }
  post({ kind: "checked", id, checked });
  finish(id, checked.readable ? doc : null, layout, have);
}

self.onmessage = async (event: MessageEvent<ToDoc>) => {
  const msg = event.data;
  await ready;
  try {
    if (msg.kind === "open") await open(msg.id, msg.source);
    else if (msg.kind === "text") {
      const bytes = current?.of === msg.of ? new TextEncoder().encode(current.text) : null;
      (self as unknown as DedicatedWorkerGlobalScope).postMessage({ kind: "text", id: msg.id, bytes } satisfies FromDoc, bytes ? [bytes.buffer] : []);
    } else check(msg.id, msg.text, msg.layout, msg.have);
  } catch (err) {
    post({ kind: "failed", id: msg.id, issues: errorIssues(err) });
  }
};
