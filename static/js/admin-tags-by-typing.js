'use strict';
// A name typed into the session form's tag field that is no tag yet is sent as "+name":
// a name of digits alone would otherwise be read as the id of another tag. select2
// marks the options it made from what was typed with data-select2-tag.
document.addEventListener('submit', (event) => {
    event.target.querySelectorAll('select[data-tags] option[data-select2-tag="true"]').forEach((option) => {
        if (option.selected && !option.value.startsWith('+')) {
            option.value = '+' + option.value;
        }
    });
});
