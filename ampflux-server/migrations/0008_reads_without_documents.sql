-- Reads that no longer walk a stored document or result (SQLite).
--
-- A version's bus count, kept with the version. It used to be read from `circuit_blobs`,
-- where `bus_count` comes after `data_json` in the row: SQLite stores a row's columns in
-- order, and a network document spills over a chain of overflow pages, each holding the
-- address of the next, so reading the count walked the whole document page by page (a 5 MB
-- document: about 1,200 pages, 2 ms; 11 us for a column before it). Every listing of
-- versions, every read of one and every save read it. The content of a digest never
-- changes, so the copy cannot go stale.
ALTER TABLE circuit_versions ADD COLUMN bus_count BIGINT;
UPDATE circuit_versions SET bus_count = (
    SELECT b.bus_count FROM circuit_blobs b
    WHERE b.company_id = circuit_versions.company_id AND b.digest = circuit_versions.digest
);

-- A simulation request finds the study of a version's content, order and options without
-- walking the study's stored result. Read from the table, `order_digest` (the last column,
-- added by 0007) comes after `result_json`, and SQLite walked the result's overflow pages to
-- reach it on every request where the version keeps an element order (a cached request on a
-- 10k-bus circuit cost about 2 ms of CPU instead of 0.3 ms; 5 MB: 0.86 ms against 11 us).
-- With the column in the index, SQLite reads it there; `options_json`, `status` and `id`
-- come before `result_json` in the row. (`options_json` is not in the index: a study of many
-- selected locations has long options, longer than PostgreSQL's index entries may be.)
DROP INDEX idx_studies_digest;
CREATE INDEX idx_studies_lookup ON studies(company_id, digest, order_digest);
