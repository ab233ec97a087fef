/*
 * models/tariff.c - cost-based tariff arithmetic, shared by the regimes
 * (tariff.h).
 *
 * The operator sets each offer's tariff from budgeted long-run average cost
 * [R]: a basic tariff, fixed cost over budgeted place-days, plus a service
 * tariff for the hours a need level requires (or one average tariff per
 * offer).  Public offers carry results beyond +-5 % of cost into the tariffs
 * of a later year [R] and their tariff growth is capped by the rammeaftale at
 * index growth plus a cap [R mechanism]; private offers add a markup and
 * stand outside the cap [R].
 */
#include <math.h>
#include <string.h>
#include "tariff.h"
#include "flow.h"

double tariff_basic_day(double fixed_cost_year, int places,
                       double budgeted_occupancy)
{
    if (places <= 0) return 0;
    return fixed_cost_year / (places * DAYS_PER_YEAR * budgeted_occupancy);
}

double tariff_carry_amount(double result, double cost, double band,
                          carry_mode mode)
{
    double limit = band * fabs(cost);
    if (fabs(result) <= limit) return 0;
    if (mode == CARRY_WHOLE) return result;
    return result > 0 ? result - limit : result + limit;
}

double tariff_capped(double cost_based, double last, double index_growth,
                    double cap)
{
    double limit = last * (1 + index_growth + cap);
    return last > 0 && cost_based > limit ? limit : cost_based;
}

/* Mean staffed hours per resident the operator budgets with: its current
 * residents if it has any, else the group's expected mix. */
static double budget_hours(const market *m, const offer *o)
{
    return o->occupied > 0 ? o->priced_hours / o->occupied
                           : offer_expected_hours(m, o);
}

void tariff_set(market *m, offer *o, int year)
{
    (void)year;
    const params *p = m->p;
    /* a narrow group's offer budgets for the risk of falling occupancy */
    double bocc = p->budgeted_occupancy *
                  (p->group[o->group].narrow ? 1 - p->narrow_occupancy_risk : 1);
    double fixed_year = o->fixed_per_place * o->capacity * m->fixed_index;
    double basic = tariff_basic_day(fixed_year, o->capacity, bocc);
    double hour = m->wage / 7.0;   /* per attendance hour-per-week, per day */
    /* a tariff read from run.offers keeps its first ratio to the
     * cost-based one (in base-year prices) */
    if (o->start_tariff > 0 && !(o->tariff_factor > 0)) {
        double typical = (basic + hour * offer_expected_hours(m, o)) / m->cost_index *
                         (o->owner_kind == OWNER_PRIVATE ? 1 + p->private_markup : 1);
        o->tariff_factor = typical > 0 ? o->start_tariff / typical : 1;
    }
    if (o->tariff_factor > 0) {
        basic *= o->tariff_factor;
        hour *= o->tariff_factor;
    }
    double carry = tariff_basic_day(o->carry[0], o->capacity, bocc);
    memmove(o->carry, o->carry + 1, sizeof o->carry - sizeof o->carry[0]);
    o->carry[MAX_LAG] = 0;

    if (o->owner_kind == OWNER_PRIVATE) {
        /* a private provider prices in the scarcity of its segment where
         * it stands (its region; the country for narrow groups) */
        double markup = p->private_markup +
                        p->scarcity_markup * market_scarcity(m, o->type, o->group, o->region);
        basic *= 1 + markup;
        hour *= 1 + markup;
    } else {
        /* The cap binds the price of a fixed basket (the group's expected
         * need mix), so a heavier case mix is not read as price growth. */
        double typical = basic + hour * offer_expected_hours(m, o);
        /* the index is the basket's own price and wage index: its cost-based
         * price growth, so that a cap of 0 binds only on carry-free growth
         * beyond costs, never on the index itself */
        double growth = o->last_cost_basket > 0 ? typical / o->last_cost_basket - 1 : 0;
        /* uncapped the first time (no last tariff: tariff_capped) */
        double capped = tariff_capped(typical, o->last_tariff_index, growth,
                                     p->rammeaftale_cap);
        o->last_cost_basket = typical;
        if (capped < typical && typical > 0) {
            basic *= capped / typical;
            hour *= capped / typical;
        }
        o->last_tariff_index = capped;
    }
    o->basic_day = basic + carry;     /* carry-over stands outside the cap */
    o->hour_day = hour;
    o->average_day = o->basic_day + hour * budget_hours(m, o);
    o->t_basic_cost = tariff_basic_day(fixed_year, o->capacity, bocc);
    o->t_hour_cost = m->wage / 7.0;
    o->t_scale = o->t_hour_cost > 0 ? hour / o->t_hour_cost : 1;
    o->t_carry = carry;
    o->t_avg_hours = budget_hours(m, o);
}

void tariff_refresh_average(const market *m, offer *o)
{
    o->t_avg_hours = budget_hours(m, o);
    o->average_day = o->basic_day + o->hour_day * o->t_avg_hours;
}

double tariff_cost_day(const market *m, const citizen *c, const offer *o)
{
    return o->fixed_per_place * m->fixed_index /
               (DAYS_PER_YEAR * m->p->reference_occupancy) +
           citizen_hours(m, c, o, c->true_level) * m->wage / 7.0;
}

/*
 * takst's price is (basic + hour x graded hours) x scale + carry, plus
 * add-ons; taken apart at the citizen's true need and the reference
 * occupancy, the pieces are exactly the parts of the drift decomposition.
 */
void tariff_price_parts(const market *m, const citizen *c, const offer *o,
                       double *parts)
{
    const params *p = m->p;
    double h_true = citizen_hours(m, c, o, c->true_level);
    double h_graded = p->tariff == TARIFF_AVERAGE ? o->t_avg_hours
                                                  : citizen_hours(m, c, o, c->priced_level);
    double basic_ref = o->t_basic_cost * p->budgeted_occupancy / p->reference_occupancy;
    double unscaled = o->t_basic_cost + o->t_hour_cost * h_graded;
    for (int k = 0; k < N_PARTS; k++) parts[k] = 0;
    parts[PART_COST] = basic_ref + o->t_hour_cost * h_true;
    parts[PART_OCCUPANCY] = o->t_basic_cost - basic_ref;
    parts[PART_REGRADING] = o->t_hour_cost * (h_graded - h_true);
    parts[o->owner_kind == OWNER_PRIVATE ? PART_MARKUP : PART_CAP] =
        (o->t_scale - 1) * unscaled;
    parts[PART_CARRY] = o->t_carry;
    parts[PART_ADDONS] = o->t_hour_cost * o->t_scale * h_graded * c->addons * p->addon_size;
}

double tariff_price(const market *m, const citizen *c, const offer *o)
{
    double service = m->p->tariff == TARIFF_AVERAGE
        ? o->average_day - o->basic_day
        : o->hour_day * citizen_hours(m, c, o, c->priced_level);
    return o->basic_day + service * (1 + c->addons * m->p->addon_size);
}

/* tariff_price is basic + hour x (priced hours) x (1 + add-ons), or with one
 * average tariff at least the average. */
void tariff_price_floor(const market *m, const offer *o, double *a, double *b)
{
    if (m->p->tariff == TARIFF_AVERAGE) {
        *a = o->average_day >= o->basic_day ? o->average_day : -INFINITY;
        *b = 0;
    } else {
        *a = o->basic_day;
        *b = o->hour_day;
    }
}

void tariff_settle(market *m, offer *o)
{
    const params *p = m->p;
    if (o->last_cost <= 0 && o->last_result == 0) return;
    o->equity += o->last_result;
    if (o->owner_kind == OWNER_PRIVATE) return;   /* private keeps it */
    double carried = tariff_carry_amount(o->last_result, o->last_cost,
                                        p->carry_band, p->carry);
    /* a deficit raises a later tariff, a surplus lowers it */
    o->carry[p->carry_lag - 1] -= carried;
}

