"""三个一批 campaigns: the list, creating and editing a campaign (admin,
under optimistic locking), archiving and restoring it, its page (the three
batches with their 销号 state, the summaries by department and leader), its
台账 export, and naming projects in a batch (several at once), changing an
item's planned date, removing an item."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.db import db
from app.delivery import bp, campaigns
from app.delivery import queries_campaigns as queries
from app.delivery.campaign_forms import AddItemsForm, CampaignForm, ConfirmForm, ItemForm
from app.delivery.exports_campaigns import campaign_export
from app.models import Batch, Campaign, CampaignItem
from app.pagination import page_args, paginate
from app.params import MAX_ID, Params
from app.permissions import can_manage_campaigns, get_editable_or_403, get_visible_or_404, require
from app.views import attempt

# --- the list, a campaign's page and its 台账 -----------------------------------------


@bp.route("/campaigns")
@login_required
def campaigns_index():
    page = paginate(queries.list_statement(current_user), *page_args(default_per_page=20))
    tallies = queries.tallies([c.id for c in page.items], current_user, clock.today())
    return render_template(
        "delivery/campaigns/index.html",
        page=page,
        tallies=tallies,
        overall={cid: queries.overall(batches) for cid, batches in tallies.items()},
        batches=queries.BATCHES,
        may_manage=can_manage_campaigns(current_user),
    )


@bp.route("/campaigns/<int:campaign_id>")
@login_required
def campaign(campaign_id: int):
    record = get_visible_or_404(Campaign, campaign_id)
    return render_template(
        "delivery/campaigns/detail.html",
        view=queries.campaign_page(record, current_user, clock.today()),
        may_manage=can_manage_campaigns(current_user),
        confirm_form=ConfirmForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/export.xlsx")
@login_required
def campaign_export_xlsx(campaign_id: int):
    record = get_visible_or_404(Campaign, campaign_id)
    return campaign_export(queries.campaign_page(record, current_user, clock.today()))


# --- creating, editing, archiving --------------------------------------------------------


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def campaign_new():
    require(can_manage_campaigns(current_user))
    form = CampaignForm()
    if form.validate_on_submit():
        outcome = attempt(lambda: campaigns.save_campaign(form.campaign_data(), current_user), form)
        if outcome:
            flash(_("已创建三个一批活动「%(name)s」，请在各批次中列入项目。", name=outcome.value.name), "success")
            return redirect(url_for("delivery.campaign", campaign_id=outcome.value.id))
    return render_template("delivery/campaigns/form.html", form=form, record=None)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def campaign_edit(campaign_id: int):
    record = get_editable_or_403(Campaign, campaign_id)
    form = CampaignForm(obj=record)
    if request.method == "GET":
        form.version.data = str(record.version)
    if form.validate_on_submit():
        outcome = attempt(
            lambda: campaigns.save_campaign(form.campaign_data(), current_user, record, version=form.version.data),
            form,
        )
        if outcome:
            flash(_("已保存活动。"), "success")
            return redirect(url_for("delivery.campaign", campaign_id=record.id))
        if outcome.stale:
            form.version.data = str(record.version)
    return render_template("delivery/campaigns/form.html", form=form, record=record)


def _confirmed() -> bool:
    """The bare POST carries its CSRF token (else: say the page is stale)."""
    if ConfirmForm().validate_on_submit():
        return True
    flash(_("页面已过期，请刷新后重试。"), "danger")
    return False


@bp.route("/campaigns/<int:campaign_id>/archive", methods=["POST"])
@login_required
def campaign_archive(campaign_id: int):
    record = get_editable_or_403(Campaign, campaign_id)
    if _confirmed() and attempt(lambda: campaigns.archive_campaign(record, current_user)):
        flash(_("活动已归档，仅管理员可见，可随时恢复。"), "success")
    return redirect(url_for("delivery.campaign", campaign_id=record.id))


@bp.route("/campaigns/<int:campaign_id>/restore", methods=["POST"])
@login_required
def campaign_restore(campaign_id: int):
    record = get_editable_or_403(Campaign, campaign_id)
    if _confirmed() and attempt(lambda: campaigns.restore_campaign(record, current_user)):
        flash(_("活动已恢复。"), "success")
    return redirect(url_for("delivery.campaign", campaign_id=record.id))


# --- the projects of a batch -------------------------------------------------------------


@bp.route("/campaigns/<int:campaign_id>/items/new", methods=["GET", "POST"])
@login_required
def campaign_items_new(campaign_id: int):
    record = get_editable_or_403(Campaign, campaign_id)
    params = Params(request.args)
    batch = params.enum("batch", _("批次"), Batch) or Batch.SIGN
    q = params.text("q")
    pending_only = not params.flag("all")
    params.flash_errors()
    form = AddItemsForm()
    if form.validate_on_submit():
        chosen = queries.projects_by_ids(form.project_ids.data, current_user)
        if len(chosen) < len(set(form.project_ids.data)):
            form.project_ids.errors = [_("所选项目不存在或已不可选，请重新选择。")]
        else:
            outcome = attempt(
                lambda: campaigns.add_items(
                    record, chosen, batch, current_user, planned_on=form.planned_on.data, note=form.note.data
                ),
                form,
            )
            if outcome:
                flash(_("已将 %(n)d 个项目列入%(batch)s。", n=len(chosen), batch=batch.label), "success")
                return redirect(url_for("delivery.campaign", campaign_id=record.id) + f"#batch-{batch.value}")
    candidates = paginate(
        queries.candidates_statement(record, batch, current_user, q, pending_only), *page_args(default_per_page=30)
    )
    return render_template(
        "delivery/campaigns/add_items.html",
        record=record,
        form=form,
        batch=batch,
        batches=queries.BATCHES,
        q=q,
        pending_only=pending_only,
        candidates=candidates,
        chosen=set(form.project_ids.data or []),
    )


def _item_or_404(record: Campaign, item_id: int) -> CampaignItem:
    item = db.session.get(CampaignItem, item_id) if 0 < item_id <= MAX_ID else None
    if item is None or item.campaign_id != record.id:
        abort(404)
    return item


@bp.route("/campaigns/<int:campaign_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def campaign_item_edit(campaign_id: int, item_id: int):
    record = get_editable_or_403(Campaign, campaign_id)
    item = _item_or_404(record, item_id)
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        outcome = attempt(lambda: campaigns.update_item(item, form.planned_on.data, form.note.data, current_user), form)
        if outcome:
            flash(_("已保存「%(project)s」的计划日期。", project=item.project.name), "success")
            return redirect(url_for("delivery.campaign", campaign_id=record.id) + f"#batch-{item.batch.value}")
    return render_template("delivery/campaigns/item_form.html", record=record, item=item, form=form)


@bp.route("/campaigns/<int:campaign_id>/items/<int:item_id>/remove", methods=["POST"])
@login_required
def campaign_item_remove(campaign_id: int, item_id: int):
    record = get_editable_or_403(Campaign, campaign_id)
    item = _item_or_404(record, item_id)
    name, batch = item.project.name, item.batch
    if _confirmed() and attempt(lambda: campaigns.remove_item(item, current_user)):
        flash(_("已将「%(project)s」移出%(batch)s。", project=name, batch=batch.label), "success")
    return redirect(url_for("delivery.campaign", campaign_id=record.id) + f"#batch-{batch.value}")
