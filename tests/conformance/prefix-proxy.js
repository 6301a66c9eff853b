#!/usr/bin/env node
// An HTTP proxy for the conformance suite's server scenarios that name the suite's own tools and
// prompts by their bare names (`test_input_required_result_elicitation`): the gateway serves them
// as `SERVER__NAME`. Each POST body's `params.name` of `tools/call` and `prompts/get` (and the
// `Mcp-Name` header) gets `PREFIX`; everything else, both ways, passes unchanged.
//
//   node prefix-proxy.js LISTEN_PORT TARGET_URL PREFIX
"use strict";
const http = require("http");

const [port, target, prefix] = process.argv.slice(2);
const to = new URL(target);

const renamed = (method) => method === "tools/call" || method === "prompts/get";

http
  .createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: to.host };
      if (req.method === "POST" && body.length) {
        try {
          const msg = JSON.parse(body.toString("utf8"));
          if (renamed(msg.method) && msg.params && typeof msg.params.name === "string") {
            msg.params.name = prefix + msg.params.name;
            if (headers["mcp-name"]) headers["mcp-name"] = msg.params.name;
            body = Buffer.from(JSON.stringify(msg));
          }
        } catch {
          // Not JSON: the gateway says so.
        }
      }
      headers["content-length"] = String(body.length);
      const up = http.request(
        { host: to.hostname, port: to.port, path: to.pathname, method: req.method, headers },
        (r) => {
          res.writeHead(r.statusCode, r.headers);
          r.pipe(res);
        },
      );
      up.on("error", (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      up.end(body);
    });
  })
  .listen(Number(port), "127.0.0.1");
