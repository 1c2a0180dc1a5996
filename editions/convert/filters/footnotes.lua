-- Keep every footnote where it is called, as <span class="footnote">, instead of moving it to the end.
-- The PDF floats these spans to the foot of the page (CSS float: footnote); the HTML and EPUB writers
-- turn them into numbered notes. Multi-paragraph notes are joined into one inline run.
function Note(note)
  local inlines = pandoc.utils.blocks_to_inlines(note.content, {pandoc.Space()})
  return pandoc.Span(inlines, {class = "footnote"})
end
