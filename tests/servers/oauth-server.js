#!/usr/bin/env node
// A small OAuth 2.1 authorization server and the MCP endpoint it protects, for aimcp's tests.
// Usage: node oauth-server.js   (listens on a free loopback port and prints it on stdout)
//   POST /mcp, /mcp2                            two MCP servers behind the one issuer, each taking only its own tokens (the `resource`):
//                                               MCP (initialize, ping, tools/list, tools/call `whoami`);
//                                               401 + WWW-Authenticate without a valid token
//   GET  /.well-known/oauth-protected-resource/mcp, /.well-known/oauth-authorization-server
//   POST /register, GET /authorize (redirects at once, as a signed-in user's browser would),
//   POST /token (authorization_code with PKCE S256, refresh_token; refresh tokens rotate)
//   POST /admin/revoke                          every token and refresh token stops working
//   GET  /admin/log                             the grants done and every token issued
// Env: EXPIRES_IN (seconds, default 3600).
"use strict";
const http = require("http");
const crypto = require("crypto");

const EXPIRES_IN = Number(process.env.EXPIRES_IN || 3600);
let base = "";
const codes = new Map(); // code -> {challenge, redirect_uri, resource, client_id}
const access = new Map(); // access token -> resource
const refresh = new Map(); // refresh token -> resource
const log = { grants: [], issued: [], resources: [] };

const b64url = (buf) => buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const random = (p) => p + crypto.randomBytes(18).toString("hex");

function json(res, status, value, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

function issue(resource) {
  const at = random("at-");
  const rt = random("rt-");
  access.set(at, resource);
  refresh.set(rt, resource);
  log.issued.push(at, rt);
  return { access_token: at, token_type: "Bearer", expires_in: EXPIRES_IN, refresh_token: rt, scope: "mcp" };
}

function mcp(req, res, body, path) {
  const auth = req.headers.authorization || "";
  if (!auth.startsWith("Bearer ") || access.get(auth.slice(7)) !== `${base}${path}`) {
    return json(res, 401, { error: "invalid_token" }, {
      "www-authenticate": `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource${path}", scope="mcp"`,
    });
  }
  const msg = JSON.parse(body);
  if (msg.id === undefined) {
    res.writeHead(202);
    return res.end();
  }
  const { id, method, params } = msg;
  const ok = (result) => json(res, 200, { jsonrpc: "2.0", id, result });
  if (method === "initialize") {
    return ok({
      protocolVersion: params.protocolVersion,
      capabilities: { tools: {} },
      serverInfo: { name: "oauth-test", version: "1.0.0" },
    });
  }
  if (method === "ping") return ok({});
  if (method === "tools/list") {
    return ok({ tools: [{ name: "whoami", description: "Says who you are", inputSchema: { type: "object" } }] });
  }
  if (method === "tools/call") return ok({ content: [{ type: "text", text: "signed in" }] });
  json(res, 200, { jsonrpc: "2.0", id, error: { code: -32601, message: "Method not found" } });
}

const server = http.createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const url = new URL(req.url, base);
    const path = url.pathname;
    if (req.method === "POST" && (path === "/mcp" || path === "/mcp2")) return mcp(req, res, body, path);
    if (req.method === "DELETE" && (path === "/mcp" || path === "/mcp2")) {
      res.writeHead(200);
      return res.end();
    }
    if (path === "/.well-known/oauth-protected-resource/mcp" || path === "/.well-known/oauth-protected-resource/mcp2") {
      const resource = `${base}${path.slice("/.well-known/oauth-protected-resource".length)}`;
      return json(res, 200, { resource, authorization_servers: [base], scopes_supported: ["mcp"] });
    }
    if (path === "/.well-known/oauth-authorization-server") {
      return json(res, 200, {
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        registration_endpoint: `${base}/register`,
        response_types_supported: ["code"],
        grant_types_supported: ["authorization_code", "refresh_token"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["none"],
        authorization_response_iss_parameter_supported: true,
      });
    }
    if (req.method === "POST" && path === "/register") {
      return json(res, 201, { client_id: random("client-"), token_endpoint_auth_method: "none" });
    }
    if (path === "/authorize") {
      const q = url.searchParams;
      const code = random("code-");
      codes.set(code, { challenge: q.get("code_challenge"), redirect_uri: q.get("redirect_uri"), resource: q.get("resource") });
      const back = new URL(q.get("redirect_uri"));
      back.searchParams.set("code", code);
      back.searchParams.set("state", q.get("state"));
      back.searchParams.set("iss", base);
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === "POST" && path === "/token") {
      const f = new URLSearchParams(body);
      const grant = f.get("grant_type");
      log.grants.push(grant);
      log.resources.push(f.get("resource"));
      if (grant === "authorization_code") {
        const c = codes.get(f.get("code"));
        codes.delete(f.get("code"));
        const verifier = f.get("code_verifier") || "";
        const computed = b64url(crypto.createHash("sha256").update(verifier).digest());
        if (!c || c.challenge !== computed || c.redirect_uri !== f.get("redirect_uri")) {
          return json(res, 400, { error: "invalid_grant" });
        }
        return json(res, 200, issue(c.resource));
      }
      if (grant === "refresh_token") {
        const rt = f.get("refresh_token");
        if (!refresh.has(rt)) return json(res, 400, { error: "invalid_grant", error_description: "refresh token revoked" });
        const resource = refresh.get(rt);
        refresh.delete(rt);
        return json(res, 200, issue(resource));
      }
      return json(res, 400, { error: "unsupported_grant_type" });
    }
    if (req.method === "POST" && path === "/admin/revoke") {
      access.clear();
      refresh.clear();
      return json(res, 200, {});
    }
    if (path === "/admin/log") return json(res, 200, log);
    res.writeHead(404);
    res.end();
  });
});

server.listen(0, "127.0.0.1", () => {
  base = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`${server.address().port}\n`);
});
