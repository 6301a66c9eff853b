//! `aimcp tokens ...`

pub mod budget;
pub mod check;
pub mod export;
pub mod import;
pub mod prices;
pub mod record;
pub mod summary;
