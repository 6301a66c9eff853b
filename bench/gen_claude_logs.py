#!/usr/bin/env python3
"""Generates realistic Claude Code logs: HOME/.claude/projects/<encoded project>/<session>.jsonl,
with subagent logs in <session>/subagents/, streamed duplicate assistant lines, large tool-result
lines, summaries and file-history snapshots, written as compact JSON the way Claude Code does.

Usage: gen_claude_logs.py OUT_HOME SIZE_MB
Prints the number of files, unique requests and bytes written.
"""
import json
import os
import random
import sys
import time

out, size_mb = sys.argv[1], int(sys.argv[2])
target = size_mb * 1024 * 1024
random.seed(42)
dump = lambda o: json.dumps(o, separators=(",", ":"))
filler = ("fn handle(req: Request) -> Result<Response> { let body = parse(&req)?; Ok(render(body)) }\n" * 40000)
models = ["claude-sonnet-4-5-20250929"] * 6 + ["claude-haiku-4-5-20251001"] * 3 + ["claude-opus-4-5-20251101"]
projects = [f"/home/dev/src/project-{i:02d}" for i in range(20)]
now = int(time.time())
written = files = requests = 0


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + ".%03dZ" % random.randrange(1000)


def session_lines(cwd, session, start, sidechain, agent_id=None):
    global requests
    lines = [dump({"type": "summary", "summary": "Refactor the request handler", "leafUuid": "%032x" % random.getrandbits(128)})]
    ts = start
    parent = None
    for turn in range(random.randrange(10, 60)):
        ts += random.randrange(5, 90)
        base = {"parentUuid": parent, "isSidechain": sidechain, "userType": "external", "cwd": cwd,
                "sessionId": session, "version": "2.0.61", "gitBranch": "main"}
        if agent_id:
            base["agentId"] = agent_id
        uid = "%032x" % random.getrandbits(128)
        lines.append(dump({**base, "type": "user", "message": {"role": "user", "content": "Please continue with step %d" % turn},
                           "uuid": uid, "timestamp": iso(ts)}))
        model = random.choice(models)
        msg_id = "msg_01" + "%022x" % random.getrandbits(88)
        req_id = "req_011" + "%022x" % random.getrandbits(88)
        usage = {"input_tokens": random.randrange(1, 50), "cache_creation_input_tokens": 0,
                 "cache_read_input_tokens": random.randrange(10000, 150000), "output_tokens": 1,
                 "service_tier": "standard"}
        w5, w1 = random.randrange(0, 5000), random.choice([0, 0, 0, random.randrange(0, 3000)])
        usage["cache_creation_input_tokens"] = w5 + w1
        usage["cache_creation"] = {"ephemeral_5m_input_tokens": w5, "ephemeral_1h_input_tokens": w1}
        text = filler[: random.randrange(200, 3000)]
        final_out = random.randrange(50, 4000)
        # streamed: the same request logged 2 or 3 times while it streams, output growing
        copies = random.choice([2, 3])
        for c in range(copies):
            usage = dict(usage)
            usage["output_tokens"] = final_out if c == copies - 1 else random.randrange(1, final_out)
            content = [{"type": "text", "text": text}] if c == 0 else [
                {"type": "tool_use", "id": "toolu_01" + "%020x" % random.getrandbits(80), "name": "Read",
                 "input": {"file_path": cwd + "/src/handler.rs"}}]
            lines.append(dump({**base, "parentUuid": uid, "type": "assistant",
                               "message": {"id": msg_id, "type": "message", "role": "assistant", "model": model,
                                           "content": content, "stop_reason": None, "stop_sequence": None,
                                           "usage": usage},
                               "requestId": req_id, "uuid": "%032x" % random.getrandbits(128),
                               "timestamp": iso(ts + c)}))
        requests += 1
        # a tool result: mostly a few KB, sometimes very large
        big = random.random()
        n = random.randrange(500, 8000) if big < 0.8 else random.randrange(20000, 400000) if big < 0.99 else 1500000
        lines.append(dump({**base, "type": "user",
                           "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01",
                                                                    "content": (filler * 4)[:n]}]},
                           "uuid": "%032x" % random.getrandbits(128), "timestamp": iso(ts + copies),
                           "toolUseResult": {"type": "text", "file": {"filePath": cwd + "/src/handler.rs", "numLines": n // 80}}}))
        if turn % 10 == 0:
            lines.append(dump({"type": "file-history-snapshot", "messageId": uid,
                               "snapshot": {"messageId": uid, "trackedFileBackups": {}, "timestamp": iso(ts)},
                               "isSnapshotUpdate": False}))
        parent = uid
        if random.random() < 0.01:
            lines.append(dump({**base, "type": "assistant", "message": {"id": "msg_syn", "model": "<synthetic>", "role": "assistant",
                               "content": [{"type": "text", "text": "No response requested."}],
                               "usage": {"input_tokens": 0, "output_tokens": 0}}, "timestamp": iso(ts)}))
    return lines


root = os.path.join(out, ".claude", "projects")
while written < target:
    cwd = random.choice(projects)
    folder = os.path.join(root, cwd.replace("/", "-"))
    session = "%08x-%04x-4%03x-8%03x-%012x" % (random.getrandbits(32), random.getrandbits(16), random.getrandbits(12),
                                                random.getrandbits(12), random.getrandbits(48))
    start = now - random.randrange(60 * 86400)
    os.makedirs(folder, exist_ok=True)
    data = "\n".join(session_lines(cwd, session, start, False)) + "\n"
    with open(os.path.join(folder, session + ".jsonl"), "w") as f:
        f.write(data)
    written += len(data)
    files += 1
    if random.random() < 0.3:
        sub = os.path.join(folder, session, "subagents")
        os.makedirs(sub, exist_ok=True)
        agent = "%08x" % random.getrandbits(32)
        data = "\n".join(session_lines(cwd, session, start + 30, True, agent)) + "\n"
        with open(os.path.join(sub, "agent-%s.jsonl" % agent), "w") as f:
            f.write(data)
        written += len(data)
        files += 1
print(f"{files} files, {requests} unique requests, {written / 1048576:.0f} MB")
