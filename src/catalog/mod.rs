//! The `aimcp mcp setup` catalog, as data.
