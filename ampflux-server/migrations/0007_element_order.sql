-- The document's element order of a version, for every table (buses, lines, transformers,
-- ...): studies run on the network in the order the engineer wrote it, so every row table of
-- a result (bus, branch, voltage rows, partial currents, duty checks, arc-flash rows) comes in
-- that order, as a local study of the same document gives. The stored document stays
-- canonical (sorted by id) and shared by every version with the same content; an order is
-- stored once per company and order digest (SHA-256 of its JSON), a JSON object
-- `{table: [ids]}` of the tables not in canonical order.
CREATE TABLE circuit_orders (
    company_id  TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    digest      TEXT NOT NULL,
    order_json  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (company_id, digest)
);
-- NULL: every table in canonical order (or a version saved before orders were kept, whose
-- `bus_order` the result's bus rows still follow).
ALTER TABLE circuit_versions ADD COLUMN order_digest TEXT;
-- The order the study's network is put in before the core runs it; part of its cache key.
ALTER TABLE studies ADD COLUMN order_digest TEXT;
-- A simulation request finds the study of a version's content, order and options with the
-- version, in one query.
CREATE INDEX idx_studies_digest ON studies(company_id, digest);
