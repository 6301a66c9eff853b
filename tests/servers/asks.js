#!/usr/bin/env node
// A stdio MCP server whose tools need the client's input: the tools (and the prompt) the
// conformance suite's `input-required-result-*` server scenarios name (SEP-2322), built two ways.
//
//   node asks.js            speaks 2025-11-25: each tool asks the client with a request of its
//                           own (`elicitation/create`, `sampling/createMessage`, `roots/list`)
//                           and waits for the answer, as an older server does
//   node asks.js --modern   speaks only 2026-07-28 (refuses `initialize`): each tool answers
//                           with an `input_required` result and reads `inputResponses` (and its
//                           own `requestState`) on the retry
//
// Behind `aimcp mcp serve`, a stateless client must see the same rounds from both.
"use strict";

const modern = process.argv.includes("--modern");
const MODERN = "2026-07-28";

function send(msg) {
  process.stdout.write(JSON.stringify(msg) + "\n");
}
const result = (id, r) => send({ jsonrpc: "2.0", id, result: r });
const error = (id, code, message, data) => send({ jsonrpc: "2.0", id, error: { code, message, data } });
const text = (t) => ({ content: [{ type: "text", text: t }] });

const ELICIT_NAME = {
  method: "elicitation/create",
  params: {
    message: "What is your name?",
    requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
  },
};
const ELICIT_CONFIRM = {
  method: "elicitation/create",
  params: {
    message: "Please confirm",
    requestedSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
  },
};
const SAMPLE = (t, max) => ({
  method: "sampling/createMessage",
  params: { messages: [{ role: "user", content: { type: "text", text: t } }], maxTokens: max },
});
const ROOTS = { method: "roots/list", params: {} };
const STEP = (n, msg, field) => ({
  method: "elicitation/create",
  params: {
    message: msg,
    requestedSchema: { type: "object", properties: { [field]: { type: "string" } }, required: [field] },
  },
});

const names = [
  "elicitation",
  "sampling",
  "list_roots",
  "request_state",
  "multiple_inputs",
  "multi_round",
  "tampered_state",
  "capabilities",
].map((n) => `test_input_required_result_${n}`);
const tools = names.map((name) => ({ name, description: `asks the client: ${name}`, inputSchema: { type: "object" } }));
const PROMPT = "test_input_required_result_prompt";

const nameOf = (r) => (r && r.action === "accept" && r.content ? r.content.name : undefined);
const sampled = (r) => (r && r.content && r.content.text) || "";
const rootsOf = (r) => ((r && r.roots) || []).map((x) => x.uri).join(", ");

// ---- 2025-11-25: the server asks, and waits -------------------------------------------------

let nextAsk = 1;
const waiting = new Map();
function ask(req) {
  const id = `ask-${nextAsk++}`;
  send({ jsonrpc: "2.0", id, method: req.method, params: req.params });
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

async function classicCall(name) {
  switch (name) {
    case "test_input_required_result_elicitation":
      return text(`Hello, ${nameOf(await ask(ELICIT_NAME))}!`);
    case "test_input_required_result_sampling":
      return text(`The model said: ${sampled(await ask(SAMPLE("What is the capital of France?", 100)))}`);
    case "test_input_required_result_list_roots":
      return text(`Roots: ${rootsOf(await ask(ROOTS))}`);
    case "test_input_required_result_request_state": {
      const r = await ask(ELICIT_CONFIRM);
      return text(r && r.action === "accept" ? "state-ok: confirmed" : "not confirmed");
    }
    case "test_input_required_result_multiple_inputs": {
      const [who, greeting, roots] = await Promise.all([
        ask(ELICIT_NAME),
        ask(SAMPLE("Generate a greeting", 50)),
        ask(ROOTS),
      ]);
      return text(`${sampled(greeting)} ${nameOf(who)} (roots: ${rootsOf(roots)})`);
    }
    case "test_input_required_result_multi_round": {
      const a = await ask(STEP(1, "Step 1: What is your name?", "name"));
      const b = await ask(STEP(2, "Step 2: What is your favorite color?", "color"));
      return text(`${a.content.name} likes ${b.content.color}`);
    }
    case "test_input_required_result_tampered_state":
      await ask(ELICIT_CONFIRM);
      return text("state accepted");
    case "test_input_required_result_capabilities": {
      // Asks both; a client that lacks one of them is never asked it (the gateway refuses).
      const got = await Promise.allSettled([ask(SAMPLE("Say hi", 10)), ask(ELICIT_NAME)]);
      return text(got.map((g) => g.status).join(", "));
    }
    default:
      throw Object.assign(new Error(`unknown tool ${name}`), { code: -32602 });
  }
}

// ---- 2026-07-28: the server answers `input_required`, and reads the retry -------------------

// The state a round hands out: the step and a check only this process can make.
const secret = String(Math.random()).slice(2) + process.pid;
const seal = (step) => `${step}.${Buffer.from(secret + step).toString("base64url")}`;
function opened(state) {
  if (typeof state !== "string") return undefined;
  const step = state.split(".")[0];
  return seal(step) === state ? step : null;
}

function modernCall(name, params) {
  const got = params.inputResponses || {};
  const state = opened(params.requestState);
  if (state === null) throw Object.assign(new Error("requestState failed its integrity check"), { code: -32602 });
  const need = (asks, st) => ({
    resultType: "input_required",
    inputRequests: asks,
    ...(st ? { requestState: seal(st) } : {}),
  });
  switch (name) {
    case "test_input_required_result_elicitation":
      // An answer that is not an elicitation result is asked again.
      return got.user_name && typeof got.user_name === "object" ? text(`Hello, ${nameOf(got.user_name)}!`) : need({ user_name: ELICIT_NAME });
    case "test_input_required_result_request_state":
    case "test_input_required_result_tampered_state":
      if (got.confirm && state === "confirm") return text("state-ok: confirmed");
      return need({ confirm: ELICIT_CONFIRM }, "confirm");
    case "test_input_required_result_multi_round":
      if (state === "step2" && got.step2) return text(`done: ${got.step2.content.color}`);
      if (state === "step1" && got.step1) return need({ step2: STEP(2, "Step 2: What is your favorite color?", "color") }, "step2");
      return need({ step1: STEP(1, "Step 1: What is your name?", "name") }, "step1");
    default:
      throw Object.assign(new Error(`unknown tool ${name}`), { code: -32602 });
  }
}

function modernPrompt(params) {
  const got = (params.inputResponses || {}).user_context;
  if (!got) {
    return {
      resultType: "input_required",
      inputRequests: { user_context: STEP(0, "What context should the prompt use?", "context") },
    };
  }
  return { messages: [{ role: "user", content: { type: "text", text: `Context: ${got.content.context}` } }] };
}

// ---- the wire ---------------------------------------------------------------------------------

async function handle(msg) {
  const { id, method, params = {} } = msg;
  if (method === undefined) {
    const w = waiting.get(id);
    if (w) {
      waiting.delete(id);
      if (msg.error) w.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
      else w.resolve(msg.result);
    }
    return;
  }
  if (id === undefined) return; // notifications
  try {
    if (modern) {
      switch (method) {
        case "initialize":
          return error(id, -32022, "this server speaks only 2026-07-28", { supported: [MODERN], requested: params.protocolVersion });
        case "server/discover":
          return result(id, {
            resultType: "complete",
            supportedVersions: [MODERN],
            capabilities: { tools: {}, prompts: {} },
            _meta: { "io.modelcontextprotocol/serverInfo": { name: "asks-modern", version: "1.0.0" } },
          });
        case "tools/list":
          return result(id, { resultType: "complete", tools, ttlMs: 0, cacheScope: "private" });
        case "prompts/list":
          return result(id, { resultType: "complete", prompts: [{ name: PROMPT }], ttlMs: 0, cacheScope: "private" });
        case "tools/call":
          return result(id, modernCall(params.name, params));
        case "prompts/get":
          return result(id, modernPrompt(params));
        default:
          return error(id, -32601, `no method ${method}`);
      }
    }
    switch (method) {
      case "initialize":
        return result(id, {
          protocolVersion: "2025-11-25",
          capabilities: { tools: {}, prompts: {} },
          serverInfo: { name: "asks-classic", version: "1.0.0" },
        });
      case "ping":
        return result(id, {});
      case "tools/list":
        return result(id, { tools });
      case "prompts/list":
        return result(id, { prompts: [{ name: PROMPT }] });
      case "tools/call":
        return result(id, await classicCall(params.name));
      case "prompts/get": {
        const r = await ask(STEP(0, "What context should the prompt use?", "context"));
        return result(id, { messages: [{ role: "user", content: { type: "text", text: `Context: ${r.content.context}` } }] });
      }
      default:
        return error(id, -32601, `no method ${method}`);
    }
  } catch (e) {
    return error(id, e.code || -32603, e.message);
  }
}

let buf = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buf += chunk;
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (line.trim()) handle(JSON.parse(line));
  }
});
process.stdin.on("end", () => process.exit(0));
