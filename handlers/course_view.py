"""How a course reads in every message that shows one (the form's review, /courses, /course, the news): one
view built with the catalog's names, rendered by the `courses/_summary` template."""

from dataclasses import dataclass
from typing import Any

from handlers.context import Ctx
from storage.records import Course, CourseRequest


@dataclass(frozen=True, slots=True)
class CatalogNames:
    """Sector, category and province names in one language, read once for a whole list."""

    sectors: dict[int, str]
    categories: dict[int, str]
    provinces: dict[str, str]


async def catalog_names(context: Ctx) -> CatalogNames:
    name = f"name_{context.lang}"
    store = context.store
    return CatalogNames(
        sectors={sector.id: getattr(sector, name) for sector in await store.list_sectors(include_inactive=True)},
        categories={category.id: getattr(category, name)
                    for category in await store.list_categories(include_inactive=True)},
        provinces={province.code: getattr(province, name) for province in await store.list_provinces()})


def request_view(request: CourseRequest, names: CatalogNames) -> dict[str, Any]:
    """The form's answers as the review shows them."""
    return {
        "title": request.title, "provider": request.provider, "starts_on": request.starts_on,
        "sessions": request.sessions, "place": request.place, "capacity": request.capacity,
        "required": request.required, "province": names.provinces.get(request.province_code, request.province_code),
        "sectors": [names.sectors[i] for i in request.sector_ids if i in names.sectors],
        "categories": [names.categories[i] for i in request.category_ids if i in names.categories],
    }


def course_view(course: Course, names: CatalogNames) -> dict[str, Any]:
    """A saved course, with its id and seats."""
    request = CourseRequest(
        province_code=course.province_code, title=course.title, provider=course.provider, starts_on=course.starts_on,
        sessions=course.sessions, place=course.place, capacity=course.capacity, required=course.required,
        sector_ids=course.sector_ids, category_ids=course.category_ids)
    return request_view(request, names) | {"id": course.id, "seats_left": course.seats_left, "taken": course.taken,
                                           "waiting": course.waiting, "status": course.status}
