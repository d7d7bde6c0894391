"""Who may see and change what: the one place that decides it. Lists, pages,
search, exports, drill-downs and the API all filter with the same functions,
so they cannot disagree; templates receive `can_*` flags computed here and
never decide a permission themselves.

- `scope.py` — `role_required(...)` on views; the departments a user's data
  scope covers (`department_ids_in_scope`, None meaning all).
- `leads.py`, `projects.py`, `problems.py`, `companies.py`, `agreements.py`,
  `delivery.py` (annual plans, monthly reports, campaigns), `approvals.py`,
  `activities.py` (招商活动 and 招商计划), `reviews.py` (观摩评比, ranking weights),
  `inspections.py` (营商环境督办: the viewer records and closes them) —
  per entity: `<entity>_filter(user)`, the SQL condition for lists, and the
  matching `can_*` checks on one record (one naming scheme: `can_<verb>_<entity>`).
- `notifications.py` — one's own inbox; channels for admin; whether one may
  still see the record a notification points to (`can_view_record`,
  `visible_records`).
- `loading.py` — `get_visible_or_404(Model, id)` and
  `get_editable_or_403(Model, id)`: every view and API operation loads a
  record through them; each entity module registers its checks there.

Import from this package (`from app.permissions import can_edit_lead`).
"""

from app.permissions.activities import (  # noqa: F401
    activity_departments,
    activity_filter,
    can_create_activity,
    can_edit_activity,
    can_edit_activity_plan,
    can_log_on_activity,
    can_manage_activity_plans,
    can_view_activity,
    can_view_activity_plan,
    plan_filter,
)
from app.permissions.agreements import (  # noqa: F401
    can_edit_agreement,
    can_manage_signing_event,
    can_view_agreement,
)
from app.permissions.approvals import (  # noqa: F401
    approval_filter,
    can_approve_item,
    can_keep_approvals,
    can_manage_meetings,
)
from app.permissions.chains import (  # noqa: F401
    can_create_chain,
    can_edit_chain,
    can_edit_target,
    can_lead_target,
    can_view_chain,
    can_view_target,
    chain_filter,
    target_filter,
)
from app.permissions.companies import (  # noqa: F401
    can_archive_company,
    can_create_company,
    can_edit_company,
    can_merge_companies,
    can_rule_conflict,
    can_view_company,
    company_filter,
)
from app.permissions.delivery import (  # noqa: F401
    can_manage_campaigns,
    can_manage_plans,
    can_report_investment,
    can_review_investment,
)
from app.permissions.inspections import (  # noqa: F401
    can_answer_inspection,
    can_close_inspection,
    can_record_inspection,
    inspection_filter,
)
from app.permissions.leads import (  # noqa: F401
    can_create_lead,
    can_edit_lead,
    can_edit_visit,
    can_log_on_lead,
    can_log_on_project,
    can_view_lead,
    can_view_visit,
    lead_filter,
    visit_filter,
)
from app.permissions.loading import (  # noqa: F401
    Rules,
    get_editable_or_403,
    get_visible_or_404,
    register,
    require,
)
from app.permissions.notifications import (  # noqa: F401
    can_manage_channels,
    can_view_notification,
    can_view_record,
    visible_records,
)
from app.permissions.problems import (  # noqa: F401
    can_accept_problem,
    can_assign_problem,
    can_edit_problem,
    can_handle_problem,
    can_raise_problem,
    can_supervise_problem,
    can_view_problem,
    problem_filter,
)
from app.permissions.projects import (  # noqa: F401
    can_acknowledge_instruction,
    can_assign_five_ones,
    can_close_instruction,
    can_create_project,
    can_edit_project,
    can_follow_project,
    can_manage_milestones,
    can_post_instruction,
    can_view_project,
    is_lead_department_staff,
    is_on_team,
    is_projects_leader,
    project_abilities,
    project_edit_filter,
    project_filter,
)
from app.permissions.reviews import (  # noqa: F401
    can_manage_reviews,
    can_score_review,
    can_set_ranking_weights,
    can_view_review,
    can_view_review_results,
)
from app.permissions.scope import (  # noqa: F401
    IMPORTER_ROLES,
    SEE_ALL_ROLES,
    admin_required,
    can_administer_system,
    can_import_ledgers,
    can_restore_records,
    can_see_history,
    department_ids_in_scope,
    role_required,
    sees_everything,
)
from app.permissions.users import can_manage_user  # noqa: F401
