-- The rows of a study's result in parts: the report's summary (options, buses, warnings)
-- stays in studies.result_json, its branch and voltage rows are stored in chunks of rows,
-- so a page of them is read without reading (and parsing) the whole result.
CREATE TABLE study_result_parts (
    company_id  TEXT NOT NULL,
    study_id    TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    part        TEXT NOT NULL CHECK (part IN ('branches', 'voltages')),
    chunk       BIGINT NOT NULL,
    rows_json   TEXT NOT NULL,
    PRIMARY KEY (study_id, part, chunk)
);
-- rows in all (NULL: a result stored whole, before this migration)
ALTER TABLE studies ADD COLUMN branch_rows BIGINT;
ALTER TABLE studies ADD COLUMN voltage_rows BIGINT;
