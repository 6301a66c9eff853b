#!/usr/bin/env node
// A small stdio MCP server that misbehaves on purpose, for aimcp's tests.
// Usage: node fake.js MODE
//   ok             a correct server with two tools
//   paged          a correct server whose 5 tools come in 3 pages
//   never-init     reads requests, never answers `initialize`
//   exit-stderr    writes a message on stderr and exits with code 3 at once
//   non-json       writes a line that is not JSON on stdout
//   huge-line      answers `initialize` with a 100 MiB line
//   repeat-cursor  `tools/list` returns the same cursor forever
//   bad-version    answers `initialize` with protocol version 1999-01-01
//   ignore-eof     a correct server that ignores stdin EOF and SIGTERM and starts a grandchild
//   fail-once      exits with code 1 when the file FAIL_ONCE_FILE does not exist (creating it),
//                  else behaves as `ok`
// With PID_FILE set, every process it starts (itself, a grandchild) appends its pid there.
"use strict";
const fs = require("fs");
const { spawn } = require("child_process");

const mode = process.argv[2] || "ok";
const pidFile = process.env.PID_FILE;
if (pidFile) fs.appendFileSync(pidFile, `${process.pid}\n`);

function send(msg) {
  process.stdout.write(JSON.stringify(msg) + "\n");
}

if (mode === "exit-stderr") {
  process.stderr.write("starting fake server\nfatal: FAKE_API_KEY is not set\n");
  process.exit(3);
}

if (mode === "fail-once") {
  const marker = process.env.FAIL_ONCE_FILE;
  if (!fs.existsSync(marker)) {
    fs.writeFileSync(marker, "started once\n");
    process.stderr.write("first start fails\n");
    process.exit(1);
  }
}

if (mode === "ignore-eof") {
  process.on("SIGTERM", () => {});
  process.on("SIGHUP", () => {});
  const child = spawn(process.execPath, ["-e", "process.on('SIGTERM',()=>{}); setInterval(()=>{}, 1000)"], {
    stdio: "ignore",
  });
  if (pidFile) fs.appendFileSync(pidFile, `${child.pid}\n`);
  setInterval(() => {}, 1000);
}

if (mode === "non-json") {
  process.stdout.write("Hello from the fake server, this is not JSON\n");
}

const tools = (n) =>
  Array.from({ length: n }, (_, i) => ({
    name: `tool_${i + 1}`,
    description: `Fake tool number ${i + 1}`,
    inputSchema: { type: "object", properties: {} },
  }));

function handle(msg) {
  if (msg.id === undefined || msg.method === undefined) return;
  const { id, method } = msg;
  if (method === "initialize") {
    if (mode === "never-init") return;
    const version = mode === "bad-version" ? "1999-01-01" : msg.params.protocolVersion;
    const result = {
      protocolVersion: version,
      capabilities: { tools: {} },
      serverInfo: { name: `fake-${mode}`, version: "1.0.0" },
    };
    if (mode === "huge-line") {
      result.instructions = "x".repeat(100 * 1024 * 1024);
    }
    send({ jsonrpc: "2.0", id, result });
    return;
  }
  if (method === "ping") return send({ jsonrpc: "2.0", id, result: {} });
  if (method === "tools/list") {
    if (mode === "repeat-cursor") {
      return send({ jsonrpc: "2.0", id, result: { tools: tools(1), nextCursor: "same" } });
    }
    if (mode === "paged") {
      const all = tools(5);
      const cursor = (msg.params && msg.params.cursor) || "0";
      const start = Number(cursor);
      const page = all.slice(start, start + 2);
      const next = start + 2 < all.length ? String(start + 2) : undefined;
      return send({ jsonrpc: "2.0", id, result: { tools: page, nextCursor: next } });
    }
    return send({ jsonrpc: "2.0", id, result: { tools: tools(2) } });
  }
  if (method === "tools/call") {
    if (!tools(2).some((t) => t.name === msg.params.name)) {
      return send({ jsonrpc: "2.0", id, error: { code: -32602, message: `Unknown tool: ${msg.params.name}` } });
    }
    return send({
      jsonrpc: "2.0",
      id,
      result: { content: [{ type: "text", text: `called ${msg.params.name}` }], isError: msg.params.name === "tool_2" },
    });
  }
  send({ jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } });
}

let buf = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buf += chunk;
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    const line = buf.slice(0, i).trim();
    buf = buf.slice(i + 1);
    if (line) handle(JSON.parse(line));
  }
});
process.stdin.on("end", () => {
  if (mode !== "ignore-eof" && mode !== "never-init") process.exit(0);
});
