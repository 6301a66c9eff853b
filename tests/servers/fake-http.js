#!/usr/bin/env node
// A small Streamable HTTP MCP server that misbehaves on purpose, for aimcp's tests.
// Usage: node fake-http.js   (listens on a free loopback port and prints it on stdout)
// Tools:
//   flood   answers on an event stream: 20000 `notifications/message` first, then the result
//   echo    answers with JSON at once, with the text of its `tag` argument
"use strict";
const http = require("http");

const FLOOD = 20000;

function rpc(res, id, result) {
  res.writeHead(200, { "content-type": "application/json", "mcp-session-id": "fake-session" });
  res.end(JSON.stringify({ jsonrpc: "2.0", id, result }));
}

const server = http.createServer((req, res) => {
  if (req.method === "DELETE") {
    res.writeHead(200);
    return res.end();
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
    if (msg.id === undefined) {
      res.writeHead(202);
      return res.end();
    }
    const { id, method, params } = msg;
    if (method === "initialize") {
      return rpc(res, id, {
        protocolVersion: params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: "fake-http", version: "1.0.0" },
      });
    }
    if (method === "ping") return rpc(res, id, {});
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
