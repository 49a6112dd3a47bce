-- The document's bus order of a version: results list buses in the order the engineer wrote
-- them, while the stored document is canonical (sorted by id) and shared by every version
-- with the same content. A JSON array of bus ids; NULL when it is the canonical order.
ALTER TABLE circuit_versions ADD COLUMN bus_order TEXT;
