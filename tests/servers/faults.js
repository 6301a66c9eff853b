#!/usr/bin/env node
// A stdio MCP server whose tools fail on purpose, for the gateway's fault tests.
// Tools:
//   pid        answers with its process id (text), so a test sees a restart
//   crash      exits with code 1 before answering
//   hang       never answers
//   flood      sends COUNT (default 20000) `notifications/message` at once, then answers
//   big        answers with a text of MIB (default 100) MiB
//   rpc_error  answers with JSON-RPC error -32042, with data
//   slow       answers after MS (default 300) milliseconds
// With PID_FILE set, it appends its pid and its parent's pid (the gateway) there.
"use strict";
const fs = require("fs");

const pidFile = process.env.PID_FILE;
if (pidFile) fs.appendFileSync(pidFile, `${process.pid}\n${process.ppid}\n`);

function send(msg) {
  process.stdout.write(JSON.stringify(msg) + "\n");
}

const names = ["pid", "crash", "hang", "flood", "big", "rpc_error", "slow"];
const tools = names.map((name) => ({
  name,
  description: `fault: ${name}`,
  inputSchema: { type: "object", properties: { count: { type: "number" }, mib: { type: "number" }, ms: { type: "number" } } },
}));

const text = (id, t) => send({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text: t }] } });

function call(id, name, args) {
  switch (name) {
    case "pid":
      return text(id, String(process.pid));
    case "crash":
      process.stderr.write("faults: crashing on purpose\n");
      process.exit(1);
    case "hang":
      return;
    case "flood": {
      const n = args.count || 20000;
      let out = "";
      for (let i = 0; i < n; i++) {
        out += JSON.stringify({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: `flood ${i}` } }) + "\n";
      }
      process.stdout.write(out);
      return text(id, `flooded ${n}`);
    }
    case "big": {
      const mib = args.mib || 100;
      return text(id, "x".repeat(mib * 1024 * 1024));
    }
    case "rpc_error":
      return send({ jsonrpc: "2.0", id, error: { code: -32042, message: "fault on purpose", data: { why: "test" } } });
    case "slow":
      return setTimeout(() => text(id, "slow done"), args.ms || 300);
    default:
      return send({ jsonrpc: "2.0", id, error: { code: -32602, message: `Unknown tool: ${name}` } });
  }
}

function handle(msg) {
  if (msg.id === undefined || msg.method === undefined) return;
  const { id, method } = msg;
  if (method === "initialize") {
    return send({
      jsonrpc: "2.0",
      id,
      result: {
        protocolVersion: msg.params.protocolVersion,
        capabilities: { tools: {} },
        serverInfo: { name: "faults", version: "1.0.0" },
      },
    });
  }
  if (method === "ping") return send({ jsonrpc: "2.0", id, result: {} });
  if (method === "tools/list") return send({ jsonrpc: "2.0", id, result: { tools } });
  if (method === "tools/call") return call(id, msg.params.name, msg.params.arguments || {});
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
process.stdin.on("end", () => process.exit(0));
