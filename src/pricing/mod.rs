//! Prices as data, and the cost arithmetic.
