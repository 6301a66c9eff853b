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
//   reverse        holds every `tools/call` until 16 are held, then answers them in reverse order,
//                  each with the text of its `tag` argument
//   chatty         on a `tools/call`: sends an answer to an id aimcp never used, a log message, a
//                  progress notification with the call's progressToken, a `ping` and a
//                  `roots/list` request; then answers the call with what the two answers were
//   record-cancel  never answers a `tools/call`; appends each `notifications/cancelled`'s params
//                  (one JSON line) to the file CANCEL_FILE
//   cancel-own     on a `tools/call`: sends `sampling/createMessage`, cancels it 100 ms later
//                  (`notifications/cancelled`), and 600 ms later answers the call with what
//                  came back for it (`none` when nothing did, as the spec asks)
//   die-mid-call   holds every `tools/call`; when 8 are held, writes to stderr and exits with code 7
//   slow-stop      a correct server that ignores stdin EOF and, on SIGTERM, takes 500 ms to stop:
//                  then writes `stopped` to the file STOP_FILE and exits
// With PID_FILE set, every process it starts (itself, a grandchild) appends its pid there; with
// NOTIFY_FILE set, it appends the method of every notification it gets there, one a line; with
// INIT_FILE set, the `capabilities` of each `initialize` (JSON, one a line).
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

if (mode === "slow-stop") {
  process.on("SIGTERM", () => {
    setTimeout(() => {
      fs.writeFileSync(process.env.STOP_FILE, "stopped\n");
      process.exit(0);
    }, 500);
  });
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

const held = [];
const waiting = new Map(); // id of a request we sent -> what to do with its answer
let ourNextId = 0;

function ask(method, params, then) {
  const id = `fake-${++ourNextId}`;
  waiting.set(id, then);
  send({ jsonrpc: "2.0", id, method, params });
}

function chatty(msg) {
  const { id } = msg;
  const token = msg.params && msg.params._meta && msg.params._meta.progressToken;
  send({ jsonrpc: "2.0", id: 987654, result: { stray: true } });
  send({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "working" } });
  if (token !== undefined) {
    send({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: token, progress: 1, total: 2 } });
  }
  ask("ping", {}, (pong) => {
    ask("roots/list", {}, (roots) => {
      send({
        jsonrpc: "2.0",
        id,
        result: { content: [{ type: "text", text: JSON.stringify({ pong, roots }) }] },
      });
    });
  });
}

function handle(msg) {
  if (msg.method === undefined && msg.id !== undefined) {
    const then = waiting.get(msg.id);
    waiting.delete(msg.id);
    if (then) then(msg.error ? { error: msg.error } : msg.result);
    return;
  }
  if (msg.id === undefined && msg.method !== undefined && process.env.NOTIFY_FILE) {
    fs.appendFileSync(process.env.NOTIFY_FILE, msg.method + "\n");
  }
  if (msg.method === "notifications/cancelled" && mode === "record-cancel") {
    fs.appendFileSync(process.env.CANCEL_FILE, JSON.stringify(msg.params) + "\n");
    return;
  }
  if (msg.id === undefined || msg.method === undefined) return;
  const { id, method } = msg;
  if (method === "tools/call" && mode === "reverse") {
    held.push(msg);
    if (held.length === 16) {
      for (const m of held.reverse()) {
        send({ jsonrpc: "2.0", id: m.id, result: { content: [{ type: "text", text: String(m.params.arguments.tag) }] } });
      }
      held.length = 0;
    }
    return;
  }
  if (method === "tools/call" && mode === "chatty") return chatty(msg);
  if (method === "tools/call" && mode === "record-cancel") return;
  if (method === "tools/call" && mode === "cancel-own") {
    let got = "none";
    ask("sampling/createMessage", { messages: [], maxTokens: 1 }, (r) => (got = JSON.stringify(r)));
    const asked = `fake-${ourNextId}`;
    setTimeout(() => {
      send({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: asked, reason: "changed my mind" } });
    }, 100);
    setTimeout(() => {
      send({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text: got }] } });
    }, 700);
    return;
  }
  if (method === "tools/call" && mode === "die-mid-call") {
    held.push(msg);
    if (held.length === 8) {
      process.stderr.write(`dying with ${held.length} calls held\n`);
      process.exit(7);
    }
    return;
  }
  if (method === "initialize" && process.env.INIT_FILE) {
    fs.appendFileSync(process.env.INIT_FILE, JSON.stringify(msg.params.capabilities || null) + "\n");
  }
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
  if (mode !== "ignore-eof" && mode !== "never-init" && mode !== "slow-stop") process.exit(0);
});
