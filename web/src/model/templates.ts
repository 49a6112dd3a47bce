// Starting points of the editor: an empty network, and a small plant to learn from.
import { emptyNetwork, type NetworkDoc } from "./doc";

export interface Template {
  id: string;
  title: string;
  description: string;
  build: () => NetworkDoc;
}

/** A utility feeder at 20 kV, a 630 kVA distribution transformer and a 0.4 kV cable run. */
function distribution(): NetworkDoc {
  return {
    ...emptyNetwork("20/0.4 kV distribution substation"),
    buses: [
      { id: "MV", vn_kv: 20, name: "20 kV incoming" },
      { id: "LV", vn_kv: 0.4, name: "0.4 kV main board" },
      { id: "LV-D", vn_kv: 0.4, name: "0.4 kV sub-distribution" },
    ],
    external_grids: [{ id: "Grid", bus: "MV", s_sc_max_mva: 500, s_sc_min_mva: 400, rx_max: 0.1, rx_min: 0.1, x0x_max: 1, r0x0_max: 0.1, x0x_min: 1, r0x0_min: 0.1 }],
    transformers: [{ id: "T1", hv_bus: "MV", lv_bus: "LV", sn_mva: 0.63, vn_hv_kv: 20, vn_lv_kv: 0.4, vk_percent: 6, vkr_percent: 1.206, vector_group: "Dyn5", vk0_percent: 6, vkr0_percent: 1.206, meta: { std_type: "0.63 MVA 20/0.4 kV" } }],
    lines: [{ id: "C1", from_bus: "LV", to_bus: "LV-D", length_km: 0.08, r_ohm_per_km: 0.208, x_ohm_per_km: 0.08, c_nf_per_km: 261, r0_ohm_per_km: 0.832, x0_ohm_per_km: 0.32, endtemp_degree: 160, meta: { std_type: "NAYY 4x150 SE (0.4 kV cable)" } }],
    motors: [{ id: "M1", bus: "LV-D", pn_mw: 0.09, vn_kv: 0.4, cos_phi: 0.86, efficiency_percent: 94, lrc_pu: 7 }],
    loads: [{ id: "LD1", bus: "LV-D", p_mw: 0.2, q_mvar: 0.06 }],
  };
}

export const TEMPLATES: Template[] = [
  { id: "empty", title: "Empty network", description: "No buses yet: add a bus, then elements.", build: () => emptyNetwork() },
  { id: "distribution", title: "Distribution substation", description: "20 kV feeder, 630 kVA transformer, 0.4 kV cable, motor and load.", build: distribution },
];
