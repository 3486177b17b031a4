'use strict';
// Names for the controls the admin draws without one: select2's boxes (named by the
// field's label, or in a table of inline rows by the column's header) and the inputs
// of those rows. Run once the admin's scripts have drawn the page, and for each row added.
{
    let nextId = 0;

    function idOf(element) {
        if (!element.id) {
            element.id = 'accessible-name-' + (nextId += 1);
        }
        return element.id;
    }

    function columnHeader(control) {
        const cell = control.closest('td');
        const table = control.closest('table');
        if (!cell || !table) {
            return null;
        }
        const column = Array.from(cell.parentElement.children).indexOf(cell);
        return table.querySelectorAll('thead th')[column] || null;
    }

    function nameOf(control) {
        const label = control.id && document.querySelector('label[for="' + control.id + '"]');
        return label || columnHeader(control);
    }

    function nameSelect2Boxes(root) {
        root.querySelectorAll('select.select2-hidden-accessible').forEach((select) => {
            const box = select.nextElementSibling;
            const name = nameOf(select);
            if (!box || !name) {
                return;
            }
            box.querySelectorAll('.select2-selection--single').forEach((combobox) => {
                // Its own label names the choice only, empty until one is made. Named once,
                // however often this runs.
                const ids = (combobox.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
                if (!ids.includes(idOf(name))) {
                    combobox.setAttribute('aria-labelledby', [idOf(name), ...ids].join(' '));
                }
            });
            // The text box showing the choice: named by the field too.
            box.querySelectorAll('.select2-selection__rendered[role="textbox"]').forEach((shown) => {
                shown.setAttribute('aria-labelledby', [idOf(name), idOf(shown)].join(' '));
            });
            box.querySelectorAll('.select2-search__field').forEach((field) => {
                field.setAttribute('aria-labelledby', idOf(name));
            });
        });
    }

    function nameInlineInputs(root) {
        root.querySelectorAll('.tabular td input, .tabular td select, .tabular td textarea').forEach((control) => {
            if (control.type === 'hidden' || control.labels.length || control.hasAttribute('aria-labelledby')) {
                return;
            }
            const header = columnHeader(control);
            if (header) {
                control.setAttribute('aria-labelledby', idOf(header));
            }
        });
    }

    function nameControls() {
        nameSelect2Boxes(document);
        nameInlineInputs(document);
    }

    window.addEventListener('load', nameControls);
    // select2 draws its boxes when jQuery says the page is ready, which may come after
    // 'load' (jQuery runs ready handlers later, by a timer), and draws a row's boxes when
    // an inline adds one: name whatever it draws, once it is drawn.
    let naming = false;
    new MutationObserver(() => {
        if (!naming) {
            naming = true;
            setTimeout(() => {
                naming = false;
                nameControls();
            });
        }
    }).observe(document.body, {childList: true, subtree: true});
    // A row added to an inline: once its select2 boxes are drawn.
    document.addEventListener('formset:added', () => setTimeout(nameControls));
    // select2 draws a multiple box's search field again as choices change.
    document.addEventListener('change', (event) => {
        if (event.target.matches && event.target.matches('select.select2-hidden-accessible')) {
            setTimeout(nameControls);
        }
    });
}
