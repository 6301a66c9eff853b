#!/usr/bin/env node
// What `aimcp mcp serve` adds to a tool call: the same `echo` call made to server-everything
// directly and through the gateway, interleaved in rounds so that both see the same machine.
//
// Usage: node gateway_latency.js DIRECT_CMD GATEWAY_CMD [CALLS] [IN_FLIGHT]
//   DIRECT_CMD   the command line of server-everything (stdio), e.g. `.../mcp-server-everything`
//   GATEWAY_CMD  the command line of the gateway, e.g. `aimcp -C DIR mcp serve` where DIR's
//                `.mcp.json` has server-everything as `everything`
//   CALLS        calls per side for the latency figures (default 10000)
//   IN_FLIGHT    concurrent calls for the throughput figures (default 16)
// Prints p50/p99/mean per side, the added latency and the ratio, calls per second with
// IN_FLIGHT in flight, and the gateway's RSS (its own process, not the upstreams').
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");

class Client {
  constructor(cmdline) {
    const [cmd, ...args] = cmdline.split(" ").filter(Boolean);
    this.child = spawn(cmd, args, { stdio: ["pipe", "pipe", "ignore"] });
    this.pending = new Map();
    this.next = 1;
    this.buf = "";
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk) => {
      this.buf += chunk;
      let i;
      while ((i = this.buf.indexOf("\n")) >= 0) {
        const line = this.buf.slice(0, i);
        this.buf = this.buf.slice(i + 1);
        if (!line.trim()) continue;
        const m = JSON.parse(line);
        if (m.id !== undefined && this.pending.has(m.id) && m.method === undefined) {
          const done = this.pending.get(m.id);
          this.pending.delete(m.id);
          done(m);
        }
      }
    });
  }
  request(method, params) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (m) => (m.error ? reject(new Error(JSON.stringify(m.error))) : resolve(m.result)));
      this.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    });
  }
  async start() {
    await this.request("initialize", {
      protocolVersion: "2025-11-25",
      capabilities: {},
      clientInfo: { name: "gateway-bench", version: "1" },
    });
    this.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");
    const tools = (await this.request("tools/list", {})).tools.map((t) => t.name);
    this.echo = tools.find((n) => n === "echo" || n.endsWith("__echo"));
    if (!this.echo) throw new Error(`no echo tool among ${tools.join(", ")}`);
  }
  async call() {
    const t = process.hrtime.bigint();
    const r = await this.request("tools/call", { name: this.echo, arguments: { message: "hello" } });
    if (r.isError) throw new Error(JSON.stringify(r));
    return Number(process.hrtime.bigint() - t) / 1e6;
  }
  rssKb(field = "VmRSS") {
    try {
      const status = fs.readFileSync(`/proc/${this.child.pid}/status`, "utf8");
      return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)[1]);
    } catch {
      return NaN;
    }
  }
  end() {
    this.child.stdin.end();
  }
}

function pct(sorted, p) {
  // nearest rank
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function throughput(client, total, inFlight) {
  let left = total;
  const t = process.hrtime.bigint();
  const worker = async () => {
    while (left-- > 0) await client.call();
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return total / (Number(process.hrtime.bigint() - t) / 1e9);
}

async function main() {
  const [direct, gateway, callsArg, inFlightArg] = process.argv.slice(2);
  if (!direct || !gateway) {
    console.error("usage: node gateway_latency.js DIRECT_CMD GATEWAY_CMD [CALLS] [IN_FLIGHT]");
    process.exit(2);
  }
  const calls = Number(callsArg || 10000);
  const inFlight = Number(inFlightArg || 16);
  const a = new Client(direct);
  const b = new Client(gateway);
  await a.start();
  await b.start();
  // warm up both
  for (let i = 0; i < 200; i++) {
    await a.call();
    await b.call();
  }
  const la = [];
  const lb = [];
  const round = 100;
  for (let done = 0; done < calls; done += round) {
    for (let i = 0; i < round; i++) la.push(await a.call());
    for (let i = 0; i < round; i++) lb.push(await b.call());
  }
  la.sort((x, y) => x - y);
  lb.sort((x, y) => x - y);
  const mean = (l) => l.reduce((s, v) => s + v, 0) / l.length;
  const row = (name, l) =>
    `${name.padEnd(8)} p50 ${pct(l, 50).toFixed(3)} ms  p99 ${pct(l, 99).toFixed(3)} ms  mean ${mean(l).toFixed(3)} ms`;
  console.log(`${calls} sequential echo calls per side, interleaved in rounds of ${round}`);
  console.log(row("direct", la));
  console.log(row("gateway", lb));
  for (const p of [50, 99]) {
    const d = pct(la, p);
    const g = pct(lb, p);
    console.log(`added p${p}: ${(g - d).toFixed(3)} ms (gateway/direct ${(g / d).toFixed(2)})`);
  }
  const ta = [];
  const tb = [];
  for (let r = 0; r < 3; r++) {
    ta.push(await throughput(a, 3000, inFlight));
    tb.push(await throughput(b, 3000, inFlight));
  }
  const best = (l) => Math.max(...l);
  console.log(
    `${inFlight} in flight: direct ${best(ta).toFixed(0)} calls/s, gateway ${best(tb).toFixed(0)} calls/s ` +
      `(gateway/direct ${(best(tb) / best(ta)).toFixed(2)}, best of 3 runs of 3000)`,
  );
  const mib = (f) => (b.rssKb(f) / 1024).toFixed(1);
  console.log(
    `gateway RSS (its own process): ${mib("VmRSS")} MiB (${(b.rssKb() / 1000).toFixed(1)} MB; ` +
      `anonymous ${mib("RssAnon")} MiB, file ${mib("RssFile")} MiB, peak ${mib("VmHWM")} MiB)`,
  );
  a.end();
  b.end();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
