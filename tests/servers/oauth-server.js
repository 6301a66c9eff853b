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
//   POST /admin/move                            the MCP servers move to a second authorization server,
//                                               issuer `<base>/as2` (its endpoints under /as2/): only its
//                                               tokens are taken from then on; `moved` in the log is what it
//                                               issued and everything it was sent (bodies, queries, headers)
//   POST /admin/fail-next-code                  the next authorization_code grant is refused (invalid_grant)
//   POST /admin/slow-authorize?ms=N             /authorize waits N ms before it redirects back
// Env: EXPIRES_IN (seconds, default 3600).
"use strict";
const http = require("http");
const crypto = require("crypto");

const EXPIRES_IN = Number(process.env.EXPIRES_IN || 3600);
let base = "";
// The authorization servers by path prefix: "" (the first), "/as2" (after /admin/move).
function newIssuer() {
  return {
    codes: new Map(), // code -> {challenge, redirect_uri, resource}
    access: new Map(), // access token -> resource
    refresh: new Map(), // refresh token -> resource
    log: { grants: [], issued: [], resources: [], received: [] },
  };
}
const issuers = { "": newIssuer(), "/as2": newIssuer() };
let current = "";
let failNextCode = false;
let authorizeDelay = 0;
const log = issuers[""].log;

const b64url = (buf) => buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const random = (p) => p + crypto.randomBytes(18).toString("hex");

function json(res, status, value, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

function issue(as, resource) {
  const at = random("at-");
  const rt = random("rt-");
  as.access.set(at, resource);
  as.refresh.set(rt, resource);
  as.log.issued.push(at, rt);
  return { access_token: at, token_type: "Bearer", expires_in: EXPIRES_IN, refresh_token: rt, scope: "mcp" };
}

function mcp(req, res, body, path) {
  const auth = req.headers.authorization || "";
  if (!auth.startsWith("Bearer ") || issuers[current].access.get(auth.slice(7)) !== `${base}${path}`) {
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
      return json(res, 200, { resource, authorization_servers: [`${base}${current}`], scopes_supported: ["mcp"] });
    }
    // RFC 8414: the metadata of issuer `<base>/as2` is at /.well-known/oauth-authorization-server/as2.
    const meta = path.match(/^\/\.well-known\/oauth-authorization-server(\/as2)?$/);
    if (meta) {
      const issuer = `${base}${meta[1] || ""}`;
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        registration_endpoint: `${issuer}/register`,
        response_types_supported: ["code"],
        grant_types_supported: ["authorization_code", "refresh_token"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["none"],
        authorization_response_iss_parameter_supported: true,
      });
    }
    const endpoint = path.match(/^(\/as2)?\/(register|authorize|token)$/);
    if (endpoint) {
      const prefix = endpoint[1] || "";
      const as = issuers[prefix];
      const issuer = `${base}${prefix}`;
      as.log.received.push(JSON.stringify({ path, query: url.search, headers: req.headers, body }));
      const name = endpoint[2];
      if (req.method === "POST" && name === "register") {
        return json(res, 201, { client_id: random("client-"), token_endpoint_auth_method: "none" });
      }
      if (name === "authorize") {
        const q = url.searchParams;
        const code = random("code-");
        as.codes.set(code, { challenge: q.get("code_challenge"), redirect_uri: q.get("redirect_uri"), resource: q.get("resource") });
        const back = new URL(q.get("redirect_uri"));
        back.searchParams.set("code", code);
        back.searchParams.set("state", q.get("state"));
        back.searchParams.set("iss", issuer);
        return setTimeout(() => {
          res.writeHead(302, { location: back.toString() });
          res.end();
        }, authorizeDelay);
      }
      if (req.method === "POST" && name === "token") {
        const f = new URLSearchParams(body);
        const grant = f.get("grant_type");
        as.log.grants.push(grant);
        as.log.resources.push(f.get("resource"));
        if (grant === "authorization_code") {
          const c = as.codes.get(f.get("code"));
          as.codes.delete(f.get("code"));
          const verifier = f.get("code_verifier") || "";
          const computed = b64url(crypto.createHash("sha256").update(verifier).digest());
          if (failNextCode || !c || c.challenge !== computed || c.redirect_uri !== f.get("redirect_uri")) {
            failNextCode = false;
            return json(res, 400, { error: "invalid_grant" });
          }
          return json(res, 200, issue(as, c.resource));
        }
        if (grant === "refresh_token") {
          const rt = f.get("refresh_token");
          if (!as.refresh.has(rt)) return json(res, 400, { error: "invalid_grant", error_description: "refresh token revoked" });
          const resource = as.refresh.get(rt);
          as.refresh.delete(rt);
          return json(res, 200, issue(as, resource));
        }
        return json(res, 400, { error: "unsupported_grant_type" });
      }
    }
    if (req.method === "POST" && path === "/admin/move") {
      current = "/as2";
      return json(res, 200, {});
    }
    if (req.method === "POST" && path === "/admin/fail-next-code") {
      failNextCode = true;
      return json(res, 200, {});
    }
    if (req.method === "POST" && path === "/admin/slow-authorize") {
      authorizeDelay = Number(url.searchParams.get("ms") || 0);
      return json(res, 200, {});
    }
    if (req.method === "POST" && path === "/admin/revoke") {
      for (const as of Object.values(issuers)) {
        as.access.clear();
        as.refresh.clear();
      }
      return json(res, 200, {});
    }
    if (path === "/admin/log") return json(res, 200, { ...log, moved: issuers["/as2"].log });
    res.writeHead(404);
    res.end();
  });
});

server.listen(0, "127.0.0.1", () => {
  base = `http://127.0.0.1:${server.address().port}`;
  process.stdout.write(`${server.address().port}\n`);
});
