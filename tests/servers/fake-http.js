#!/usr/bin/env node
// A small Streamable HTTP MCP server that misbehaves on purpose, for aimcp's tests.
// Usage: node fake-http.js [modern|discover-500]   (listens on a free loopback port and prints it on stdout)
// Tools:
//   flood   answers on an event stream: 20000 `notifications/message` first, then the result
//   echo    answers with JSON at once, with the text of its `tag` argument
//   stream_ask  asks `elicitation/create` on the client's own GET stream (as some servers do,
//           not on the call's), and answers with the client's answer as JSON text (an error
//           when the client opened no GET stream)
// With `modern` it speaks only MCP 2026-07-28: no `initialize` (400 with the versions it speaks),
// `server/discover`, `_meta` and the `Mcp-Method`/`Mcp-Name` headers checked on every request
// (400 and -32020 otherwise), `resultType`, `ttlMs`/`cacheScope` on lists, and the tools
//   headers  answers with the MCP headers it received (JSON text)
//   ask      answers `input_required` (an elicitation with a default, and `requestState`); the
//            retry's `inputResponses` and `requestState` come back as JSON text
//   schema   a JSON Schema 2020-12 input schema (`$schema`, `$defs`, `$ref`)
//   broken   an invalid `x-mcp-header` (on an object): a client leaves it out
// With `discover-500` it is the older server that fails on a method it does not know:
// `server/discover` gets an HTTP 500 (plain text), everything else as without a mode.
"use strict";
const http = require("http");
const MODERN = process.argv[2] === "modern";
const DISCOVER_500 = process.argv[2] === "discover-500";
const V = "2026-07-28";

const MODERN_TOOLS = [
  { name: "headers", inputSchema: { type: "object", properties: {
    region: { type: "string", "x-mcp-header": "Region" },
    count: { type: "integer", "x-mcp-header": "Count" },
    note: { type: "string" } } } },
  { name: "ask", inputSchema: { type: "object", properties: {} } },
  { name: "schema", inputSchema: {
    $schema: "https://json-schema.org/draft/2020-12/schema", type: "object",
    $defs: { id: { type: "string", pattern: "^[a-z]+$" } },
    properties: { id: { $ref: "#/$defs/id" } }, required: ["id"] } },
  { name: "broken", inputSchema: { type: "object", properties: {
    data: { type: "object", "x-mcp-header": "Data" } } } },
];

function json(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function modern(req, res, msg) {
  const { id, method, params } = msg;
  const meta = (params && params._meta) || {};
  const refuse = (code, message, data) =>
    json(res, 400, { jsonrpc: "2.0", id, error: { code, message, data } });
  if (method === "initialize") {
    return refuse(-32022, `this server speaks only ${V}`, { supported: [V], requested: params.protocolVersion });
  }
  if (meta["io.modelcontextprotocol/protocolVersion"] !== V || !meta["io.modelcontextprotocol/clientCapabilities"]) {
    return refuse(-32602, "a request carries the protocol version and client capabilities in `_meta`");
  }
  if (req.headers["mcp-protocol-version"] !== V || req.headers["mcp-method"] !== method) {
    return refuse(-32020, "header mismatch: MCP-Protocol-Version or Mcp-Method");
  }
  if (method === "tools/call" && req.headers["mcp-name"] !== params.name) {
    return refuse(-32020, "header mismatch: Mcp-Name");
  }
  const ok = (result) => json(res, 200, { jsonrpc: "2.0", id, result: { resultType: "complete", ...result } });
  if (method === "server/discover") {
    return ok({ supportedVersions: [V], capabilities: { tools: {} },
      _meta: { "io.modelcontextprotocol/serverInfo": { name: "fake-modern", version: "2.0.0" } },
      ttlMs: 0, cacheScope: "private" });
  }
  if (method === "tools/list") return ok({ tools: MODERN_TOOLS, ttlMs: 60000, cacheScope: "public" });
  if (method === "tools/call" && params.name === "headers") {
    const seen = {};
    for (const [k, v] of Object.entries(req.headers)) if (k.startsWith("mcp-")) seen[k] = v;
    return ok({ content: [{ type: "text", text: JSON.stringify(seen) }] });
  }
  if (method === "tools/call" && params.name === "ask") {
    if (!params.inputResponses) {
      return ok({ resultType: "input_required", requestState: "opaque-state-1", inputRequests: {
        who: { method: "elicitation/create", params: { mode: "form", message: "Who are you?",
          requestedSchema: { type: "object", properties: {
            name: { type: "string", title: "Name", default: "octocat" },
            admin: { type: "boolean", title: "Admin", default: false } }, required: ["name"] } } } } });
    }
    return ok({ content: [{ type: "text", text: JSON.stringify({
      inputResponses: params.inputResponses, requestState: params.requestState, id }) }] });
  }
  if (method === "tools/call") return ok({ content: [{ type: "text", text: `called ${params.name}` }] });
  json(res, 404, { jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } });
}

const FLOOD = 20000;

function rpc(res, id, result) {
  res.writeHead(200, { "content-type": "application/json", "mcp-session-id": "fake-session" });
  res.end(JSON.stringify({ jsonrpc: "2.0", id, result }));
}

// The client's GET stream, and the calls waiting for an answer asked there.
let getStream = null;
const asked = new Map();
let nextAsk = 0;

const server = http.createServer((req, res) => {
  if (req.method === "DELETE") {
    res.writeHead(200);
    return res.end();
  }
  if (req.method === "GET" && !MODERN && (req.headers.accept || "").includes("text/event-stream")) {
    res.writeHead(200, { "content-type": "text/event-stream", "mcp-session-id": "fake-session" });
    res.write(": open\n\n");
    getStream = res;
    req.on("close", () => {
      if (getStream === res) getStream = null;
    });
    return;
  }
  if (req.method !== "POST") {
    res.writeHead(405);
    return res.end();
  }
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const msg = JSON.parse(body);
    if (msg.method === undefined && asked.has(msg.id)) {
      // The client's answer to our question: the waiting call gets it.
      const [callId, callRes] = [...asked.get(msg.id)];
      asked.delete(msg.id);
      rpc(callRes, callId, { content: [{ type: "text", text: JSON.stringify(msg.result ?? msg.error) }] });
      res.writeHead(202);
      return res.end();
    }
    if (msg.id === undefined) {
      res.writeHead(202);
      return res.end();
    }
    if (MODERN) return modern(req, res, msg);
    const { id, method, params } = msg;
    if (DISCOVER_500 && method === "server/discover") {
      res.writeHead(500, { "content-type": "text/plain" });
      return res.end("Internal Server Error");
    }
    if (method === "initialize") {
      return rpc(res, id, {
        protocolVersion: params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: "fake-http", version: "1.0.0" },
      });
    }
    if (method === "ping") return rpc(res, id, {});
    if (method === "tools/list") {
      const tool = (name) => ({ name, inputSchema: { type: "object", properties: { tag: { type: "string" } } } });
      return rpc(res, id, { tools: ["flood", "echo", "stream_ask"].map(tool) });
    }
    if (method === "tools/call" && params.name === "flood") {
      res.writeHead(200, { "content-type": "text/event-stream", "mcp-session-id": "fake-session" });
      let out = "";
      for (let i = 0; i < FLOOD; i++) {
        const note = { jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: i } };
        out += `event: message\ndata: ${JSON.stringify(note)}\n\n`;
      }
      const answer = { jsonrpc: "2.0", id, result: { content: [{ type: "text", text: "flooded" }] } };
      out += `event: message\ndata: ${JSON.stringify(answer)}\n\n`;
      return res.end(out);
    }
    if (method === "tools/call" && params.name === "stream_ask") {
      if (!getStream) {
        return rpc(res, id, { isError: true, content: [{ type: "text", text: "no GET stream to ask on" }] });
      }
      const askId = `srv-${++nextAsk}`;
      asked.set(askId, [id, res]);
      const ask = { jsonrpc: "2.0", id: askId, method: "elicitation/create", params: {
        message: "Asked on the GET stream", requestedSchema: { type: "object", properties: { ok: { type: "boolean" } } } } };
      return getStream.write(`event: message\ndata: ${JSON.stringify(ask)}\n\n`);
    }
    if (method === "tools/call") {
      return rpc(res, id, { content: [{ type: "text", text: String(params.arguments.tag) }] });
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } }));
  });
});

server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
