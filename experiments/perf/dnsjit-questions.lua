-- dnsjit peer of `sharesim import` for experiments/perf/import: read a capture, parse the DNS
-- header and the question of every UDP payload, count queries and responses.
-- usage: dnsjit dnsjit-questions.lua FILE.pcap
local pcap = arg[2]
local object = require("dnsjit.core.objects")
local input = require("dnsjit.input.pcap").new()
local layer = require("dnsjit.filter.layer").new()
local dns = require("dnsjit.core.object.dns").new()
local q = require("dnsjit.core.object.dns.q").new()
local labels = require("dnsjit.core.object.dns.label").new(127)
input:open_offline(pcap)
layer:producer(input)
local producer, ctx = layer:produce()
local queries, responses, bad = 0, 0, 0
while true do
    local obj = producer(ctx)
    if obj == nil then break end
    if obj:type() == "payload" and obj:cast().len > 0 then
        dns.obj_prev = obj
        if dns:parse_header() == 0 and dns.qdcount > 0 and dns:parse_q(q, labels, 127) == 0 then
            if dns.qr == 0 then queries = queries + 1 else responses = responses + 1 end
        else
            bad = bad + 1
        end
    end
end
print(queries .. " queries, " .. responses .. " responses, " .. bad .. " not parsed")
