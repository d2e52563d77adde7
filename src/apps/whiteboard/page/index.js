// The index page: carries `?session=...` over to the presenter and viewer links.

for (const id of ['view-link', 'present-link']) document.getElementById(id).search = location.search;
