//! placeholder
use super::format::{Extracted, Limits, Unreadable};
pub fn extract(_bytes: &[u8], _limits: &Limits) -> Result<Extracted, Unreadable> {
    Err(Unreadable::Damaged("lecteur absent".into()))
}
