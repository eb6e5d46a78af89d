--! returns: Option<Option<(i64, String)>>
if ARGV[1] then return {1, "a"} end
if ARGV[2] then return nil end
if ARGV[3] then return false end
if ARGV[4] then return 1.5 end
if ARGV[5] then return {ok = "x"} end
if ARGV[6] then return {err = "x"} end
return cjson.decode(ARGV[7])
