-- wrk script: each request is a patient's text message to demo doctor d1001, the patient taken
-- in turn from the token file given after "--". Counts answers other than 200.
-- A second argument "client_msg_id" gives every message a client_msg_id of its own, as the web
-- client does (the server then also looks up its resend index before appending).
local tokens = {}
local with_client_msg_id = false
local prefix = ""
local counter = 0
local threads = {}
errors = 0

function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_no", #threads)
end

function init(args)
    for line in io.lines(args[1]) do
        tokens[#tokens + 1] = line
    end
    counter = math.random(1, #tokens)
    with_client_msg_id = args[2] == "client_msg_id"
    -- unique per wrk thread and run, so that no message is taken for a resend of another
    prefix = string.format("b%x-%d", os.time(), thread_no)
end

function request()
    counter = counter + 1
    local token = tokens[(counter % #tokens) + 1]
    local body = '{"doctor_id":"d1001","text":"benchmark message ' .. counter .. '"'
    if with_client_msg_id then
        body = body .. ',"client_msg_id":"' .. prefix .. '-' .. counter .. '"'
    end
    body = body .. '}'
    return wrk.format("POST", "/msg_service/msg/patient/send_text_msg",
        { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
    if status ~= 200 then
        errors = errors + 1
    end
end

function done(summary, latency, requests)
    local failed = 0
    for _, thread in ipairs(threads) do
        failed = failed + thread:get("errors")
    end
    io.write(string.format("sent: %d requests, %d not 200, %.0f requests/s, latency p50 %.1f ms p99 %.1f ms\n",
        summary.requests, failed, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
