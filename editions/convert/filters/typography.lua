-- Typography of the edition's language, applied to the text itself so that every format gets it:
--  * hashtags, handles, e-mail addresses and web addresses are never hyphenated: they are wrapped in
--    <span class="nohyphen"> (the PDF gives it hyphens: manual), and links get the same class;
--  * French puts a narrow no-break space (U+202F) before ; : ! ? and inside « », and writes "quotes"
--    as « quotes »;
--  * in French and Spanish, one- and two-letter words ("à", "la", "y", "un") are tied to the next word
--    with a no-break space, so they never end a line alone; in English only "a", "I" and two-capital
--    abbreviations ("UN", "EU"), which is as far as English typesetting goes.
-- Code and raw text are left alone: pandoc gives them to filters as Code, never as Str.

local NNBSP = "\u{202F}"
local NBSP = "\u{00A0}"
local lang = ""
-- Lua patterns read bytes, so these multi-byte marks are looked for one by one.
local MARKS = { "«", "»", "“", "”", "‘", "’", "–", "—", NNBSP, NBSP }

local function unbreakable(text)
  return text:match("^%p*#[%w_]") or text:match("^%p*@[%w_]") or text:match("[%w._%-]+@[%w%-]+%.[%w.]+")
    or text:match("://") or text:match("^%p*www%.")
end

local function short_word(text)
  -- Letters only: no digits, no ASCII punctuation, no quotation marks or dashes.
  if text:match("[%p%d]") then
    return false
  end
  for _, mark in ipairs(MARKS) do
    if text:find(mark, 1, true) then
      return false
    end
  end
  local length = utf8.len(text) or 99
  if lang == "fr" or lang == "es" then
    return length >= 1 and length <= 2
  end
  if lang == "en" then
    return text == "a" or text == "A" or text == "I" or (length == 2 and text:match("^%u%u$") ~= nil)
  end
  return false
end

local function ends_with(text, tail)
  return tail ~= "" and text:sub(-#tail) == tail
end

local function spaced(text)
  -- Whether `text` already ends with a space of any kind, so that no other is added.
  return text == "" or ends_with(text, " ") or ends_with(text, NNBSP) or ends_with(text, NBSP)
end

local function french_punctuation(text)
  if text:match("://") then
    return text
  end
  -- "mot!" and "«mot»" written without spaces get the narrow one.
  local body, marks = text:match("^(.-)([;:!?]+)$")
  if body and not spaced(body) then
    text = body .. NNBSP .. marks
  end
  local rest = text:match("^«(.+)$")
  if rest and rest:sub(1, #NNBSP) ~= NNBSP and rest:sub(1, #NBSP) ~= NBSP then
    text = "«" .. NNBSP .. rest
  end
  local head, tail = text:match("^(.-)»(.*)$")
  if head and not spaced(head) then
    text = head .. NNBSP .. "»" .. tail
  end
  return text
end

local function french_spaces(inlines)
  local result = pandoc.List()
  for i, item in ipairs(inlines) do
    local after = inlines[i + 1]
    local before = inlines[i - 1]
    if item.t == "Space" and after and after.t == "Str"
        and (after.text:match("^[;:!?]") or after.text:sub(1, #"»") == "»") then
      result:insert(pandoc.Str(NNBSP))
    elseif item.t == "Space" and before and before.t == "Str" and before.text:match("«$") then
      result:insert(pandoc.Str(NNBSP))
    elseif item.t == "Str" then
      result:insert(pandoc.Str(french_punctuation(item.text)))
    else
      result:insert(item)
    end
  end
  return result
end

local function tie_short_words(inlines)
  local result = pandoc.List()
  for i, item in ipairs(inlines) do
    local before = inlines[i - 1]
    if item.t == "Space" and before and before.t == "Str" and short_word(before.text)
        and inlines[i + 1] and inlines[i + 1].t == "Str" then
      result:insert(pandoc.Str(NBSP))
    else
      result:insert(item)
    end
  end
  return result
end

local function Inlines(inlines)
  if lang == "fr" then
    inlines = french_spaces(inlines)
  end
  inlines = tie_short_words(inlines)
  for i, item in ipairs(inlines) do
    if item.t == "Str" and unbreakable(item.text) then
      inlines[i] = pandoc.Span({ item }, { class = "nohyphen" })
    end
  end
  return inlines
end

local function Link(link)
  link.classes:insert("nohyphen")
  return link
end

local function Quoted(quoted)
  if lang ~= "fr" then
    return nil
  end
  local open, close = "«" .. NNBSP, NNBSP .. "»"
  if quoted.quotetype == "SingleQuote" then
    open, close = "“", "”"
  end
  local result = pandoc.List({ pandoc.Str(open) })
  result:extend(quoted.content)
  result:insert(pandoc.Str(close))
  return result
end

local function primary(tag)
  return ((tag or ""):match("^(%a+)") or ""):lower()
end

-- A passage in another language ([texto]{lang=es}, a bibliography entry with its own langid) follows
-- that language's rules: the walk goes top-down and switches language inside it.
local process

local function switch(element)
  if element.classes:includes("nohyphen") then
    return element, false -- made by this filter: already done
  end
  local language = element.attributes.lang
  if not language or language == "" then
    return nil
  end
  local saved = lang
  lang = primary(language)
  element.content = process(element.content)
  lang = saved
  return element, false
end

local filter = { traverse = "topdown", Div = switch, Span = switch, Quoted = Quoted, Inlines = Inlines, Link = Link }

process = function(content)
  return content:walk(filter)
end

function Pandoc(doc)
  lang = primary(pandoc.utils.stringify(doc.meta.lang or ""))
  doc.blocks = process(doc.blocks)
  -- The abstract comes from the front matter: pandoc's template shows it, filters see it in the metadata.
  if pandoc.utils.type(doc.meta.abstract) == "Blocks" or pandoc.utils.type(doc.meta.abstract) == "Inlines" then
    doc.meta.abstract = process(doc.meta.abstract)
  end
  -- The title and subtitle come as plain text on the command line (never read as Markdown, so "@" or
  -- "*" stay as written); they get the body's typography once here, for every page, cover, header and
  -- metadata that shows them.
  for _, key in ipairs({ "title", "subtitle" }) do
    if doc.meta[key] ~= nil then
      local text = pandoc.utils.stringify(doc.meta[key]) -- a title "true" arrives as a boolean
      doc.meta[key] = process(pandoc.Blocks({ pandoc.Plain(pandoc.Inlines(text)) }))[1].content
    end
  end
  return doc
end
