-- wrk script: each request is a patient's msg_list, the newest page of LIMIT messages of the
-- patient's session with demo doctor d1001, the patient taken in turn from the token file given
-- after "--" (the second argument is the page size). Counts answers other than 200 and pages
-- shorter than asked.
local tokens = {}
local counter = 0
local limit = 50
local threads = {}
errors = 0

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    for line in io.lines(args[1]) do
        tokens[#tokens + 1] = line
    end
    limit = tonumber(args[2] or "50")
    counter = math.random(1, #tokens)
end

function request()
    counter = counter + 1
    local token = tokens[(counter % #tokens) + 1]
    return wrk.format("GET", "/msg_service/msg/patient/msg_list?doctor_id=d1001&limit=" .. limit,
        { ["Authorization"] = "Bearer " .. token })
end

function response(status, headers, body)
    -- a full page has LIMIT message objects, each with one "seq"
    local _, n = string.gsub(body, '"seq":', "")
    if status ~= 200 or n < limit then
        errors = errors + 1
    end
end

function done(summary, latency, requests)
    local failed = 0
    for _, thread in ipairs(threads) do
        failed = failed + thread:get("errors")
    end
    io.write(string.format("read: %d requests, %d not 200 with a full page, %.0f requests/s, latency p50 %.1f ms p99 %.1f ms\n",
        summary.requests, failed, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
