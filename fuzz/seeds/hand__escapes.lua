--! returns: String
return '\65\066\0677\255\n\t\\\'\"\z' .. "\
" .. '\999'
