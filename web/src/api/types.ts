// Response bodies of ampflux-server (the fields the client reads).
export interface Paged<T> { items: T[]; total: number; page: number; per_page: number }
export interface User { id: string; company_id: string; name: string; email: string; role: string; created_at: string }
export interface Me extends User { company_name: string }
export interface Project { id: string; name: string; description: string; visibility: string; owner_id: string; created_at: string; updated_at: string; my_role: string | null; access: string }
export interface Member { user_id: string; name: string; email: string; role: string; created_at: string }
export interface Version { version: number; digest: string; message: string; restored_from: number | null; created_by: string; created_at: string; bus_count: number }
export interface Circuit extends Version { network: Record<string, unknown> }
export interface SavedVersion { version: number; digest: string; created_at: string; created: boolean; restored_from: number | null; warnings: { message: string }[] }
export interface DiffView { from: number; to: number; from_digest: string; to_digest: string; count: number; summary: string; changes: { changes: Change[] } | Change[] }
export type Change = { op: string; table?: string; id?: string; field?: string; old?: unknown; new?: unknown; element?: unknown; ids?: string[] };
export interface Simulation {
  id: string; project_id: string; version: number; digest: string; status: string;
  progress: { done: number; total: number }; study: Record<string, unknown>;
  result: unknown | null; error: { code?: string; message?: string } | null; cached: boolean;
  compute_ms: number | null; created_at: string; finished_at: string | null;
}
