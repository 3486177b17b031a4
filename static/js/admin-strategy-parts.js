'use strict';
// The session form's objectives and enablers: each search sends the strategies selected
// on the form, and the admin offers only their parts, grouped under each strategy.
// Django's autocomplete.js starts the other autocompletes; these are left to this file.
{
    const $ = django.jQuery;

    function selectedIds(fieldName) {
        const field = document.getElementById('id_' + fieldName);
        return field ? Array.from(field.selectedOptions, (option) => option.value) : [];
    }

    $(function() {
        $('select[data-strategy-parts]').each(function(i, element) {
            $(element).select2({
                ajax: {
                    data: (params) => ({
                        term: params.term,
                        page: params.page,
                        app_label: element.dataset.appLabel,
                        model_name: element.dataset.modelName,
                        field_name: element.dataset.fieldName,
                        strategies: selectedIds(element.dataset.strategyParts).join(','),
                    }),
                },
            });
        });
    });
}
