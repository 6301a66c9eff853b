//! The MCP protocol client: connect (stdio, HTTP, SSE), handshake, list, call, shut down.
//! It prints nothing and knows nothing of the terminal.
