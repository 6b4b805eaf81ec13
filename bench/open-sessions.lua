-- wrk script: opens one session per patient of the token file given after "--": each patient sends
-- one text message to demo doctor d1001, once. Thread k of T takes the patients k, k+T, k+2T …;
-- a connection that finds its thread's patients all taken asks /actuator/health instead (wrk needs
-- a request), and the thread stops once every one of its sends has been answered. The second
-- argument is the number of wrk threads (-t).
local tokens = {}
local threads = {}
local step, next_index, mine
answered = 0
errors = 0

function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_no", #threads)
end

function init(args)
    for line in io.lines(args[1]) do
        tokens[#tokens + 1] = line
    end
    step = tonumber(args[2])
    next_index = thread_no
    mine = math.floor((#tokens - thread_no) / step) + 1
end

function request()
    local i = next_index
    if i > #tokens then
        return wrk.format("GET", "/actuator/health")
    end
    next_index = next_index + step
    return wrk.format("POST", "/msg_service/msg/patient/send_text_msg",
        { ["Authorization"] = "Bearer " .. tokens[i], ["Content-Type"] = "application/json" },
        '{"doctor_id":"d1001","text":"hello doctor"}')
end

function response(status, headers, body)
    -- a send's answer names its session; health's does not
    if status ~= 200 then
        errors = errors + 1
        answered = answered + 1
    elseif string.find(body, '"session_id"', 1, true) then
        answered = answered + 1
    end
    if answered >= mine then
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local sends, failed = 0, 0
    for _, thread in ipairs(threads) do
        sends = sends + thread:get("answered")
        failed = failed + thread:get("errors")
    end
    io.write(string.format("opened: %d sends answered, %d not 200, in %.1f s\n", sends, failed, summary.duration / 1e6))
end
