--! args: n:i64
local n = tonumber(ARGV[1])
if n > 0 then
if n > 1 then
if n > 2 then
if n > 3 then
if n > 4 then
if n > 5 then
if n > 6 then
if n > 7 then
if n > 8 then
if n > 9 then
if n > 10 then
if n > 11 then
if n > 12 then
if n > 13 then
if n > 14 then
if n > 15 then
if n > 16 then
if n > 17 then
if n > 18 then
if n > 19 then
if n > 20 then
if n > 21 then
if n > 22 then
if n > 23 then
if n > 24 then
if n > 25 then
if n > 26 then
if n > 27 then
if n > 28 then
if n > 29 then
if n > 30 then
if n > 31 then
if n > 32 then
if n > 33 then
if n > 34 then
if n > 35 then
if n > 36 then
if n > 37 then
if n > 38 then
if n > 39 then
if n > 40 then
if n > 41 then
if n > 42 then
if n > 43 then
if n > 44 then
if n > 45 then
if n > 46 then
if n > 47 then
if n > 48 then
if n > 49 then
if n > 50 then
if n > 51 then
if n > 52 then
if n > 53 then
if n > 54 then
if n > 55 then
if n > 56 then
if n > 57 then
if n > 58 then
if n > 59 then
return n
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
end
