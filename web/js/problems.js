// Problems as a readable list: the issues of an AmpFluxError or of `validate()`, each naming
// the table, element and field it is about.
import { fill, h } from "./dom.js";

const HEADINGS = {
  format_error: "The document cannot be read",
  unsupported_version: "The document's format version is not supported",
  validation_error: "The study cannot run",
  invalid_option: "A study option is invalid",
  topology_error: "The network's topology does not allow this study",
  solver_error: "The calculation failed",
  invalid_input: "The input is not usable",
  internal_error: "Internal error (please report it)",
};

function item(issue) {
  const where = [issue.table, issue.element, issue.field].filter(Boolean);
  return h("li", { class: `issue ${issue.severity}`, dataset: { code: issue.code } },
    h("span", { class: "badge" }, issue.severity),
    where.length ? h("span", { class: "where" }, where.join(" · ")) : "",
    h("span", { class: "message" }, issue.message),
    h("code", { class: "code" }, issue.code));
}

/** Shows an error thrown by the engine (or anything else thrown) in `container`. */
export function showError(container, err) {
  const isAmpFlux = err && err.name === "AmpFluxError";
  const code = isAmpFlux ? err.code : "unexpected";
  const issues = isAmpFlux && Array.isArray(err.issues) && err.issues.length
    ? err.issues
    : [{ severity: "error", code, message: String(err?.message ?? err) }];
  const errors = issues.filter((i) => i.severity === "error").length;
  const heading = HEADINGS[code] ?? "Something went wrong";
  fill(container,
    h("div", { class: "problem-box error", role: "alert", dataset: { code } },
      h("h3", {}, heading, errors > 1 ? ` (${errors} problems)` : ""),
      h("ul", { class: "issue-list" }, issues.map(item))));
}

/** Shows validation findings (or that there are none) in `container`. */
export function showIssues(container, issues, context = "The document") {
  if (issues.length === 0) {
    fill(container, h("p", { class: "ok-note" }, `${context} has no problems.`));
    return;
  }
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.length - errors;
  const parts = [];
  if (errors) parts.push(`${errors} error${errors > 1 ? "s" : ""}`);
  if (warnings) parts.push(`${warnings} warning${warnings > 1 ? "s" : ""}`);
  fill(container,
    h("div", { class: `problem-box ${errors ? "error" : "warning"}` },
      h("h3", {}, `${context}: ${parts.join(", ")}`),
      h("ul", { class: "issue-list" }, issues.map(item))));
}
