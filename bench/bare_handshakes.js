#!/usr/bin/env node
// The floor for `aimcp mcp discover`: start N stdio servers at once, do initialize +
// notifications/initialized + tools/list on each, end them, and exit.
// Usage: node bare_handshakes.js COMMAND [COMMAND...]   (one server per command path)
"use strict";
const { spawn } = require("child_process");

function one(cmd) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [], { stdio: ["pipe", "pipe", "ignore"] });
    let buf = "";
    const send = (m) => child.stdin.write(JSON.stringify(m) + "\n");
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      buf += chunk;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        const m = JSON.parse(line);
        if (m.id === 1) {
          send({ jsonrpc: "2.0", method: "notifications/initialized" });
          send({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });
        } else if (m.id === 2) {
          child.stdin.end();
          child.on("exit", () => resolve(m.result.tools.length));
        }
      }
    });
    child.on("error", reject);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "bare", version: "1" } },
    });
  });
}

Promise.all(process.argv.slice(2).map(one)).then((counts) => {
  process.stdout.write(JSON.stringify(counts) + "\n");
});
