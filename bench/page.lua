-- wrk script: every request GETs the path given after "--" with the token of the first line of the
-- token file; an answer counts as a full page when it is 200 and holds the marker (third argument)
-- at least COUNT (fourth argument) times. Prints requests/s and how many answers were not full pages.
--   e.g. -- tokens /msg_service/msg/doctor/session_list?limit=20 '"patient_id":' 20
local token, path, marker, count
local threads = {}
errors = 0

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    token = io.lines(args[1])()
    path, marker, count = args[2], args[3], tonumber(args[4])
end

function request()
    return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function response(status, headers, body)
    local n = 0
    local at = 1
    while n < count do
        local found = string.find(body, marker, at, true)
        if not found then
            break
        end
        n = n + 1
        at = found + 1
    end
    if status ~= 200 or n < count then
        errors = errors + 1
    end
end

function done(summary, latency, requests)
    local failed = 0
    for _, thread in ipairs(threads) do
        failed = failed + thread:get("errors")
    end
    io.write(string.format("page: %d requests, %d not 200 with a full page, %.0f requests/s, latency p50 %.1f ms p99 %.1f ms\n",
        summary.requests, failed, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
