--! returns: i64
--! args: mode
if ARGV[1] == 'x' then return 'ok' end
if ARGV[1] == 'y' then return { 1, 2 } end
return nil
