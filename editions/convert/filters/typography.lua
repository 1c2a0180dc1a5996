-- The part of each language's typography that needs pandoc's document; the rest (spaces, tied short
-- words, unbreakable hashtags and addresses) is set on pandoc's HTML by editions/convert/typography.py,
-- which is much faster than handing every word to Lua and back.
--  * quotations: pandoc knows them as quotations only until it writes them. French writes "quotes" as
--    « quotes », with narrow no-break spaces, and 'quotes' as “quotes”;
--  * links are never hyphenated: they get the class nohyphen (the PDF gives it hyphens: manual).
-- A passage in another language ([texto]{lang=es}) follows that language's rules.

local NNBSP = "\u{202F}"
local lang = ""

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

-- The walk goes top-down and switches language inside a passage that names its own.
local process

local function switch(element)
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

local filter = { traverse = "topdown", Div = switch, Span = switch, Quoted = Quoted, Link = Link }

process = function(content)
  return content:walk(filter)
end

function Pandoc(doc)
  -- The edition's language, which editions gives apart from `lang` (the citations' locale, which may be
  -- another language's when citeproc lacks the edition's).
  lang = primary(pandoc.utils.stringify(doc.meta["typography-language"] or doc.meta.lang or ""))
  doc.blocks = process(doc.blocks)
  -- The abstract comes from the front matter: pandoc's template shows it, filters see it in the metadata.
  if pandoc.utils.type(doc.meta.abstract) == "Blocks" or pandoc.utils.type(doc.meta.abstract) == "Inlines" then
    doc.meta.abstract = process(doc.meta.abstract)
  end
  -- The title and subtitle come as plain text on the command line (never read as Markdown, so "@" or
  -- "*" stay as written); a title "true" arrives as a boolean, and is shown as the text it was.
  for _, key in ipairs({ "title", "subtitle" }) do
    if doc.meta[key] ~= nil then
      doc.meta[key] = pandoc.Inlines(pandoc.utils.stringify(doc.meta[key]))
    end
  end
  return doc
end
