import { initAll } from '/static/govuk/govuk-frontend.min.js'

// Every data table scrolls sideways inside its own labelled, focusable region, so the page
// itself never does on a phone. Templates may wrap a table themselves (includes/table_scroll);
// this catches the rest, and tables that htmx swaps in later.
let captions = 0

function makeRegion (region) {
  region.classList.add('nlb-table-scroll')
  if (!region.hasAttribute('role')) region.setAttribute('role', 'region')
  if (!region.hasAttribute('tabindex')) region.setAttribute('tabindex', '0')
  // Named by its table's caption, so a page with several tables lists regions people can tell
  // apart; a table without a caption gets a generic name.
  if (!region.hasAttribute('aria-label') && !region.hasAttribute('aria-labelledby')) {
    const caption = region.querySelector('caption')
    if (caption && caption.textContent.trim()) {
      if (!caption.id) caption.id = 'nlb-caption-' + (++captions)
      region.setAttribute('aria-labelledby', caption.id)
    } else {
      region.setAttribute('aria-label', 'Scrollable table')
    }
  }
}

function wrapTables (root) {
  root.querySelectorAll('.nlb-table-scroll').forEach(makeRegion)
  root.querySelectorAll('table').forEach(function (table) {
    // Four or more columns keep a readable width on a phone and scroll, rather than squeezing
    // their text into a column a word wide.
    const firstRow = table.querySelector('tr')
    if (firstRow && firstRow.children.length >= 4) table.classList.add('nlb-table--wide')
    if (table.closest('.nlb-table-scroll')) return
    const region = document.createElement('div')
    table.parentNode.insertBefore(region, table)
    region.appendChild(table)
    makeRegion(region)
  })
}

// Screen readers hear a short status after a filter updates a result area in place (never the
// whole table): the first [data-nlb-status] element in the new content, copied into the one
// polite live region in base.html.
function announce (root) {
  const live = document.getElementById('nlb-status')
  const status = root.querySelector && root.querySelector('[data-nlb-status]')
  if (live && status) live.textContent = status.textContent.replace(/\s+/g, ' ').trim()
}

wrapTables(document)
initAll()
if (window.htmx) {
  window.htmx.on('htmx:afterSwap', function (event) {
    wrapTables(event.detail.target)
    announce(event.detail.target)
  })
}
