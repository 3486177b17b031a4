'use strict';
// A name typed into the session form's tag field that is no tag yet is sent as "+name":
// a name of digits alone would otherwise be read as the id of another tag.
{
    const $ = django.jQuery;

    $(document).on('select2:select', 'select[data-tags]', function(event) {
        const option = event.params.data.element;
        if (option && option.dataset.select2Tag === 'true' && !option.value.startsWith('+')) {
            option.value = '+' + option.value;
        }
    });
}
