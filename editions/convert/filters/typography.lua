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

-- The decisions below read each inline's kind and text once, into plain Lua tables, and the list is
-- changed in place only where a space or a word changes: a filter that returns a new list for every
-- run of inlines makes pandoc convert all of them back, which took half of a long report's conversion.

local function french_spaces(kinds, texts)
  -- Decided on the inlines as they were: a space before ; : ! ? or », or after «, becomes a narrow
  -- no-break one, and each word gets the spaces of french_punctuation.
  local new_kinds, new_texts = {}, {}
  for i, kind in ipairs(kinds) do
    new_kinds[i], new_texts[i] = kind, texts[i]
    local after, before = texts[i + 1], texts[i - 1]
    if kind == "Space" and kinds[i + 1] == "Str" and (after:match("^[;:!?]") or after:sub(1, #"»") == "»") then
      new_kinds[i], new_texts[i] = "Str", NNBSP
    elseif kind == "Space" and kinds[i - 1] == "Str" and before:match("«$") then
      new_kinds[i], new_texts[i] = "Str", NNBSP
    elseif kind == "Str" then
      new_texts[i] = french_punctuation(texts[i])
    end
  end
  return new_kinds, new_texts
end

local function tie_short_words(kinds, texts)
  -- Decided on the inlines as french_spaces left them: a space after a short word becomes a no-break one.
  local new_kinds, new_texts = {}, {}
  for i, kind in ipairs(kinds) do
    new_kinds[i], new_texts[i] = kind, texts[i]
    if kind == "Space" and kinds[i - 1] == "Str" and short_word(texts[i - 1]) and kinds[i + 1] == "Str" then
      new_kinds[i], new_texts[i] = "Str", NBSP
    end
  end
  return new_kinds, new_texts
end

local function Inlines(inlines)
  local kinds, texts = {}, {}
  for i, item in ipairs(inlines) do
    kinds[i] = item.t
    if item.t == "Str" then
      texts[i] = item.text
    end
  end
  local original = texts
  if lang == "fr" then
    kinds, texts = french_spaces(kinds, texts)
  end
  kinds, texts = tie_short_words(kinds, texts)
  local changed = false
  for i, kind in ipairs(kinds) do
    if kind == "Str" then
      local word = texts[i] ~= original[i] and pandoc.Str(texts[i]) or nil
      if unbreakable(texts[i]) then
        word = pandoc.Span({ word or inlines[i] }, { class = "nohyphen" })
      end
      if word then
        inlines[i], changed = word, true
      end
    end
  end
  -- Nothing changed: pandoc keeps the inlines it has, and goes on into them.
  return changed and inlines or nil
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
