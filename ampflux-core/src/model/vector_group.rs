//! Vector groups (IEC 60076-1 notation) and the winding connections they describe.

use std::fmt;

/// Connection of one transformer winding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Winding {
    /// Delta (`D`, `d`): circulates zero-sequence current, never passes it to the bus.
    Delta,
    /// Star (`Y`, `y`); `earthed` when the star point is brought out and earthed (`YN`, `yn`).
    Star {
        /// Star point earthed.
        earthed: bool,
    },
    /// Zigzag (`Z`, `z`); `earthed` for `ZN`, `zn`.
    Zigzag {
        /// Star point earthed.
        earthed: bool,
    },
}

impl Winding {
    /// Whether zero-sequence current can flow between the bus and this winding's star point.
    pub fn is_earthed(self) -> bool {
        matches!(
            self,
            Winding::Star { earthed: true } | Winding::Zigzag { earthed: true }
        )
    }
}

/// A parsed vector group: the winding connections from the highest to the lowest voltage,
/// and the clock number of each winding after the first (phase shift = clock · 30°, lagging).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VectorGroup {
    /// Winding connections, HV first.
    pub windings: Vec<Winding>,
    /// Clock numbers of the windings after the first (`None` where the notation omits it).
    pub clocks: Vec<Option<u8>>,
}

/// Why a vector group string was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VectorGroupError(pub String);

impl fmt::Display for VectorGroupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl VectorGroup {
    /// Parses `YNd5`, `Dyn`, `Yzn11`, `YNyn0d5`, `YNynd` ... (case of the letters is not
    /// significant; `N`/`n` after a letter means an earthed star point).
    pub fn parse(text: &str) -> Result<VectorGroup, VectorGroupError> {
        let chars: Vec<char> = text.trim().chars().collect();
        let mut windings = Vec::new();
        let mut clocks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let letter = chars[i].to_ascii_uppercase();
            let earthed = chars
                .get(i + 1)
                .is_some_and(|c| c.eq_ignore_ascii_case(&'n'));
            let winding = match letter {
                'D' if earthed => {
                    return Err(VectorGroupError(format!(
                        "`{text}`: a delta winding has no star point to earth"
                    )));
                }
                'D' => Winding::Delta,
                'Y' => Winding::Star { earthed },
                'Z' => Winding::Zigzag { earthed },
                other => {
                    return Err(VectorGroupError(format!(
                        "`{text}`: unexpected `{other}` (expected D, Y, YN, Z or ZN windings with clock numbers)"
                    )));
                }
            };
            i += if earthed { 2 } else { 1 };
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let clock = if i > start {
                let digits: String = chars[start..i].iter().collect();
                let value: u8 = digits.parse().map_err(|_| {
                    VectorGroupError(format!("`{text}`: clock number `{digits}` out of range"))
                })?;
                if value > 11 {
                    return Err(VectorGroupError(format!(
                        "`{text}`: clock number {value} must be 0..=11"
                    )));
                }
                Some(value)
            } else {
                None
            };
            if windings.is_empty() {
                if clock.is_some_and(|c| c != 0) {
                    return Err(VectorGroupError(format!(
                        "`{text}`: the first winding is the reference and carries no clock number"
                    )));
                }
            } else {
                clocks.push(clock);
            }
            windings.push(winding);
        }
        if windings.len() < 2 {
            return Err(VectorGroupError(format!(
                "`{text}`: a vector group names at least two windings"
            )));
        }
        Ok(VectorGroup { windings, clocks })
    }

    /// Phase shift of winding `index` (1-based after the HV winding) in units of 30°, lagging.
    /// An omitted clock number defaults to 0 when both windings have the same kind of
    /// connection (Yy, Dd, Zz) and to 5 otherwise (Dy5, Yd5, Yz5 are the common IEC choices);
    /// magnitudes never depend on it.
    pub fn clock(&self, index: usize) -> u8 {
        match self.clocks.get(index - 1).copied().flatten() {
            Some(c) => c,
            None => {
                let same = std::mem::discriminant(&self.windings[0])
                    == std::mem::discriminant(&self.windings[index]);
                if same { 0 } else { 5 }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_two_and_three_winding_groups() {
        let vg = VectorGroup::parse("YNd5").unwrap();
        assert_eq!(
            vg.windings,
            vec![Winding::Star { earthed: true }, Winding::Delta]
        );
        assert_eq!(vg.clock(1), 5);
        let vg = VectorGroup::parse("Dyn").unwrap();
        assert_eq!(vg.windings[1], Winding::Star { earthed: true });
        assert_eq!(vg.clock(1), 5);
        let vg = VectorGroup::parse("YNyn0d5").unwrap();
        assert_eq!(vg.windings.len(), 3);
        assert_eq!(vg.clock(1), 0);
        assert_eq!(vg.clock(2), 5);
        let vg = VectorGroup::parse("ZNy11").unwrap();
        assert_eq!(vg.windings[0], Winding::Zigzag { earthed: true });
        assert_eq!(VectorGroup::parse("Yy").unwrap().clock(1), 0);
    }

    #[test]
    fn rejects_nonsense() {
        assert!(VectorGroup::parse("Xy").is_err());
        assert!(VectorGroup::parse("Y").is_err());
        assert!(VectorGroup::parse("Dnd").is_err());
        assert!(VectorGroup::parse("Yy13").is_err());
        assert!(VectorGroup::parse("").is_err());
    }
}
