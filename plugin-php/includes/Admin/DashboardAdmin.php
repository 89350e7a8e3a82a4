<?php
/**
 * WooCommerce > Vafa Dashboard: the retention reports.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\Format;
use Vafa\Reports\Figures;
use Vafa\Reports\Range;

defined( 'ABSPATH' ) || exit;

/**
 * The dashboard page: cards (customers, outstanding points and their
 * liability, redemption, repeat purchase and retention rates), charts drawn
 * by assets/build/dashboard.js (Chart.js) from the figures passed as JSON,
 * the cohort heat map as a table, churn and RFM counts with CSV exports, and
 * a date range picker (in the Persian calendar for Persian). Read-only: the
 * range is a plain GET form.
 */
final class DashboardAdmin {
	const SLUG   = 'vafa-dashboard';
	const HANDLE = 'vafa-dashboard';

	/**
	 * The page's hook suffix.
	 *
	 * @var string
	 */
	private static $hook = '';

	/**
	 * What the page shows, loaded before the admin header.
	 *
	 * @var array<string,mixed>|null
	 */
	private static $view = null;

	/**
	 * Hooks the menu entry (after WooCommerce > Vafa) and the CSV exports.
	 */
	public static function register(): void {
		add_action( 'admin_menu', array( self::class, 'menu' ), 20 );
		ReportExport::register();
	}

	/**
	 * Adds the page under WooCommerce.
	 */
	public static function menu(): void {
		self::$hook = (string) add_submenu_page( 'woocommerce', __( 'Vafa Dashboard', 'vafa' ), __( 'Vafa Dashboard', 'vafa' ), 'manage_woocommerce', self::SLUG, array( self::class, 'render' ) );
		if ( '' !== self::$hook ) {
			add_action( 'load-' . self::$hook, array( self::class, 'load' ) );
		}
	}

	/**
	 * Whether dates are shown in the Persian (Jalali) calendar: the site's or
	 * the admin's language is Persian (a store may keep Gregorian through the
	 * vafa_date_icu_locale filter, as everywhere in the plugin).
	 */
	public static function jalali(): bool {
		if ( ! in_array( 'fa_IR', array( get_locale(), get_user_locale() ), true ) ) {
			return false;
		}
		/** This filter is documented in includes/Format.php */
		return false !== strpos( (string) apply_filters( 'vafa_date_icu_locale', 'fa_IR@calendar=persian', 'fa_IR' ), 'calendar=persian' );
	}

	/**
	 * The BCP 47 locale the script formats with: the calendar and digits the
	 * PHP side uses (fa-IR-u-ca-persian-nu-arabext, ar-u-nu-arab, en-US).
	 *
	 * @param string $locale WordPress locale.
	 * @param bool   $jalali Persian calendar.
	 */
	public static function intl_locale( string $locale, bool $jalali ): string {
		$lang = strtolower( substr( $locale, 0, 2 ) );
		$keys = ( $jalali ? '-ca-persian' : '' ) . ( 'fa' === $lang ? '-nu-arabext' : ( 'ar' === $lang ? '-nu-arab' : '' ) );
		$tag  = preg_replace( '/[^A-Za-z0-9-]/', '', str_replace( '_', '-', $locale ) );
		return ( '' !== $tag ? $tag : 'en-US' ) . ( '' !== $keys ? '-u' . $keys : '' );
	}

	/**
	 * A store-local day as the dashboard writes it: Jalali through ICU in the
	 * Persian calendar, else the locale's format (Format::date).
	 *
	 * @param string $day    YYYY-MM-DD.
	 * @param string $locale WordPress locale.
	 * @param bool   $jalali Persian calendar.
	 */
	public static function day_label( string $day, string $locale, bool $jalali ): string {
		$ts = ( new \DateTimeImmutable( $day . ' 12:00:00', wp_timezone() ) )->getTimestamp();
		if ( $jalali && 'fa' !== strtolower( substr( $locale, 0, 2 ) ) && class_exists( '\IntlDateFormatter' ) ) {
			// A Persian site seen by an admin in another language: Jalali in their words.
			$f    = new \IntlDateFormatter( $locale . '@calendar=persian', \IntlDateFormatter::LONG, \IntlDateFormatter::NONE, wp_timezone(), \IntlDateFormatter::TRADITIONAL );
			$text = $f->format( $ts );
			if ( is_string( $text ) && '' !== $text ) {
				return $text;
			}
		}
		if ( ! $jalali && 'fa' === strtolower( substr( $locale, 0, 2 ) ) ) {
			return Format::digits( wp_date( (string) get_option( 'date_format', 'Y-m-d' ), $ts ), $locale );
		}
		return Format::date( $ts, $locale );
	}

	/**
	 * A calendar month (a cohort) as the dashboard writes it: its first day in
	 * the Persian calendar (a Gregorian month starts mid-month there), else
	 * the month and year.
	 *
	 * @param string $month  YYYY-MM.
	 * @param string $locale WordPress locale.
	 * @param bool   $jalali Persian calendar.
	 */
	public static function month_label( string $month, string $locale, bool $jalali ): string {
		if ( $jalali ) {
			return self::day_label( $month . '-01', $locale, true );
		}
		$ts = ( new \DateTimeImmutable( $month . '-01 12:00:00', wp_timezone() ) )->getTimestamp();
		return Format::digits( date_i18n( 'F Y', $ts ), $locale );
	}

	/**
	 * A percentage such as 33.33 in the locale's digits.
	 *
	 * @param float  $value  Percent.
	 * @param string $locale Locale.
	 */
	public static function percent( float $value, string $locale ): string {
		/* translators: %s: a percentage such as 33.33 */
		return sprintf( __( '%s%%', 'vafa' ), Format::decimal( number_format( $value, 2, '.', '' ), $locale ) );
	}

	/**
	 * The range asked for, from the query (a read-only GET form).
	 */
	private static function range(): Range {
		$query = array();
		foreach ( array( 'vafa_preset', 'vafa_from', 'vafa_to', 'vafa_from_jy', 'vafa_from_jm', 'vafa_from_jd', 'vafa_to_jy', 'vafa_to_jm', 'vafa_to_jd' ) as $name ) {
			// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a read-only range, no state changes.
			if ( isset( $_GET[ $name ] ) && is_string( $_GET[ $name ] ) && '' !== $_GET[ $name ] ) {
				$query[ $name ] = sanitize_text_field( wp_unslash( $_GET[ $name ] ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
			}
		}
		return Range::from_query( $query, current_time( 'Y-m-d' ) );
	}

	/**
	 * Before the header: loads the figures and enqueues the charts with them.
	 */
	public static function load(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		$locale = get_user_locale();
		$jalali = self::jalali();
		$range  = self::range();
		$client = ApiClient::connected();
		$view   = array(
			'range'     => $range,
			'locale'    => $locale,
			'jalali'    => $jalali,
			'connected' => null !== $client,
			'figures'   => null,
			'down'      => '',
			'errors'    => array(),
		);
		if ( $client ) {
			$figures         = new Figures( $client, get_current_user_id() );
			$view['figures'] = $figures->load( $range );
			$view['down']    = $figures->down;
			$view['errors']  = $figures->errors;
		}
		self::$view = $view;
		add_action( 'admin_enqueue_scripts', array( self::class, 'assets' ) );
	}

	/**
	 * The translated names of the RFM segments.
	 *
	 * @return array<string,string>
	 */
	public static function segment_names(): array {
		return array(
			'champions'   => __( 'Champions', 'vafa' ),
			'loyal'       => __( 'Loyal', 'vafa' ),
			'promising'   => __( 'Promising', 'vafa' ),
			'at_risk'     => __( 'At risk', 'vafa' ),
			'hibernating' => __( 'Hibernating', 'vafa' ),
			'lost'        => __( 'Lost', 'vafa' ),
		);
	}

	/**
	 * The script, its translations and the figures as JSON; the styles,
	 * mirrored for right-to-left languages.
	 *
	 * @param string $hook Current admin page.
	 */
	public static function assets( string $hook ): void {
		if ( $hook !== self::$hook || null === self::$view ) {
			return;
		}
		wp_enqueue_style( self::HANDLE, plugins_url( 'assets/dashboard.css', VAFA_FILE ), array(), VAFA_VERSION );
		wp_style_add_data( self::HANDLE, 'rtl', 'replace' );
		$figures = self::$view['figures'];
		if ( ! is_array( $figures ) || '' !== self::$view['down'] ) {
			return;
		}
		$asset = VAFA_DIR . '/assets/build/dashboard.asset.php';
		$meta  = is_readable( $asset ) ? require $asset : array(
			'dependencies' => array( 'wp-i18n' ),
			'version'      => VAFA_VERSION,
		);
		wp_enqueue_script( self::HANDLE, plugins_url( 'assets/build/dashboard.js', VAFA_FILE ), $meta['dependencies'], $meta['version'], true );
		wp_set_script_translations( self::HANDLE, 'vafa', VAFA_DIR . '/languages' );
		$segments = array();
		foreach ( self::segment_names() as $key => $label ) {
			$segments[] = array(
				'key'   => $key,
				'label' => $label,
				'count' => (int) ( $figures['rfm'][ $key ] ?? 0 ),
			);
		}
		$months = array();
		foreach ( $figures['months'] as $m ) {
			$months[] = array(
				'month'     => $m['month'],
				'from'      => $m['from'],
				'to'        => $m['to'],
				'new'       => $m['new'],
				'returning' => $m['returning'],
				'repeat'    => $m['repeat'],
			);
		}
		$data = array(
			'rtl'        => is_rtl(),
			'jalali'     => self::$view['jalali'],
			'intlLocale' => self::intl_locale( self::$view['locale'], self::$view['jalali'] ),
			'points'     => is_array( $figures['points'] ) ? array_values( (array) ( $figures['points']['series'] ?? array() ) ) : null,
			'months'     => $months,
			'segments'   => null === $figures['rfm'] ? null : $segments,
		);
		wp_add_inline_script( self::HANDLE, 'window.vafaDashboard = ' . wp_json_encode( $data ) . ';', 'before' );
	}

	/**
	 * Prints the page.
	 */
	public static function render(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) || null === self::$view ) {
			return;
		}
		$v      = self::$view;
		$range  = $v['range'];
		$locale = $v['locale'];
		echo '<div class="wrap vafa-dashboard" data-from="' . esc_attr( $range->from ) . '" data-to="' . esc_attr( $range->to ) . '">';
		echo '<h1>' . esc_html__( 'Vafa Dashboard', 'vafa' ) . ' <a class="page-title-action" href="' . esc_url( admin_url( 'admin.php?page=' . SettingsPage::SLUG ) ) . '">' . esc_html__( 'Settings', 'vafa' ) . '</a></h1>';
		self::range_form( $range, $locale, $v['jalali'] );
		if ( ! $v['connected'] ) {
			echo '<div class="notice notice-warning inline"><p>' . esc_html__( 'Connect the store first.', 'vafa' ) . ' <a href="' . esc_url( admin_url( 'admin.php?page=' . SettingsPage::SLUG ) ) . '">' . esc_html__( 'Vafa Loyalty', 'vafa' ) . '</a></p></div></div>';
			return;
		}
		if ( '' !== $v['down'] ) {
			echo '<div class="notice notice-error inline vafa-dashboard-down"><p>' . esc_html__( 'The rewards service could not be reached, so the dashboard has no figures to show. Try again in a moment.', 'vafa' ) . '</p><p class="description">' . esc_html( $v['down'] ) . '</p></div></div>';
			return;
		}
		foreach ( array_unique( $v['errors'] ) as $error ) {
			echo '<div class="notice notice-warning inline"><p>' . esc_html( $error ) . '</p></div>';
		}
		$f = $v['figures'];
		self::cards( $f, $locale );
		echo '<div class="vafa-charts">';
		self::chart(
			'points',
			__( 'Points issued and redeemed', 'vafa' ),
			is_array( $f['points'] ),
			$f['points_missing'] ? __( 'Not available: this rewards service does not report points over time yet.', 'vafa' ) : __( 'Not available right now.', 'vafa' )
		);
		self::chart( 'customers', __( 'New and returning customers', 'vafa' ), array() !== $f['months'], __( 'No months in this range.', 'vafa' ) );
		self::chart( 'repeat', __( 'Repeat purchase rate by month', 'vafa' ), array() !== $f['months'], __( 'No months in this range.', 'vafa' ) );
		self::chart( 'rfm', __( 'Customers by RFM segment', 'vafa' ), is_array( $f['rfm'] ), __( 'Not available right now.', 'vafa' ) );
		echo '</div>';
		self::cohorts( $f['cohorts'], $locale, $v['jalali'] );
		self::exports( $f, $locale, $v['jalali'] );
		echo '</div>';
	}

	/**
	 * The range picker: presets, two dates (three Jalali fields each in the
	 * Persian calendar, native date inputs otherwise), and the range in words.
	 *
	 * @param Range  $range  The range shown.
	 * @param string $locale Locale.
	 * @param bool   $jalali Persian calendar.
	 */
	private static function range_form( Range $range, string $locale, bool $jalali ): void {
		$presets = array(
			'30d' => __( 'Last 30 days', 'vafa' ),
			'90d' => __( 'Last 90 days', 'vafa' ),
			'12m' => __( 'Last 12 months', 'vafa' ),
			'ytd' => __( 'This year', 'vafa' ),
		);
		echo '<ul class="subsubsub vafa-presets">';
		$links = array();
		foreach ( $presets as $key => $label ) {
			$url     = add_query_arg(
				array(
					'page'        => self::SLUG,
					'vafa_preset' => $key,
				),
				admin_url( 'admin.php' )
			);
			$links[] = '<li><a href="' . esc_url( $url ) . '"' . ( $key === $range->preset ? ' class="current" aria-current="page"' : '' ) . '>' . esc_html( $label ) . '</a></li>';
		}
		echo implode( ' | ', $links ) . '</ul>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above.
		echo '<form method="get" action="' . esc_url( admin_url( 'admin.php' ) ) . '" class="vafa-range-form"><input type="hidden" name="page" value="' . esc_attr( self::SLUG ) . '">';
		foreach ( array(
			'vafa_from' => array( __( 'From', 'vafa' ), $range->from ),
			'vafa_to'   => array( __( 'To', 'vafa' ), $range->to ),
		) as $name => $field ) {
			echo '<fieldset class="vafa-range-field"><legend>' . esc_html( $field[0] ) . '</legend>';
			$parts = $jalali ? Range::to_jalali( $field[1] ) : null;
			if ( null !== $parts ) {
				self::jalali_fields( $name, $parts, $locale );
			} else {
				echo '<input type="date" name="' . esc_attr( $name ) . '" value="' . esc_attr( $field[1] ) . '" max="' . esc_attr( current_time( 'Y-m-d' ) ) . '" aria-label="' . esc_attr( $field[0] ) . '">';
			}
			echo '</fieldset>';
		}
		echo ' <button type="submit" class="button">' . esc_html__( 'Show', 'vafa' ) . '</button></form>';
		/* translators: 1: first day of the range, 2: last day of the range */
		$text = sprintf( __( 'Figures from %1$s to %2$s', 'vafa' ), self::day_label( $range->from, $locale, $jalali ), self::day_label( $range->to, $locale, $jalali ) );
		echo '<p class="vafa-range">' . esc_html( $text ) . '</p>';
	}

	/**
	 * A Jalali date as day, month and year fields.
	 *
	 * @param string $name   Field prefix.
	 * @param int[]  $parts  [year, month, day].
	 * @param string $locale Locale.
	 */
	private static function jalali_fields( string $name, array $parts, string $locale ): void {
		echo '<select name="' . esc_attr( $name . '_jd' ) . '" aria-label="' . esc_attr__( 'Day', 'vafa' ) . '">';
		for ( $d = 1; $d <= 31; $d++ ) {
			echo '<option value="' . esc_attr( (string) $d ) . '"' . selected( $parts[2], $d, false ) . '>' . esc_html( Format::digits( (string) $d, $locale ) ) . '</option>';
		}
		echo '</select><select name="' . esc_attr( $name . '_jm' ) . '" aria-label="' . esc_attr__( 'Month', 'vafa' ) . '">';
		$names = new \IntlDateFormatter( ( 'fa' === strtolower( substr( $locale, 0, 2 ) ) ? 'fa_IR' : $locale ) . '@calendar=persian', \IntlDateFormatter::NONE, \IntlDateFormatter::NONE, 'UTC', \IntlDateFormatter::TRADITIONAL, 'MMMM' );
		$cal   = \IntlCalendar::createInstance( new \DateTimeZone( 'UTC' ), 'fa_IR@calendar=persian' );
		for ( $m = 1; $m <= 12; $m++ ) {
			$cal->clear();
			$cal->set( $parts[0], $m - 1, 1, 12, 0, 0 );
			echo '<option value="' . esc_attr( (string) $m ) . '"' . selected( $parts[1], $m, false ) . '>' . esc_html( (string) $names->format( $cal ) ) . '</option>';
		}
		echo '</select><input type="number" name="' . esc_attr( $name . '_jy' ) . '" value="' . esc_attr( (string) $parts[0] ) . '" min="1349" max="1500" class="small-text" aria-label="' . esc_attr__( 'Year', 'vafa' ) . '">';
	}

	/**
	 * The headline cards; each keeps the raw figure in data-value (minor units
	 * for money, two decimals for percentages).
	 *
	 * @param array<string,mixed> $f      Figures.
	 * @param string              $locale Locale.
	 */
	private static function cards( array $f, string $locale ): void {
		$s = $f['summary'];
		if ( ! is_array( $s ) ) {
			return;
		}
		$exp      = (int) $s['currency_exponent'];
		$currency = (string) $s['currency'];
		$cards    = array(
			array(
				'customers',
				__( 'Customers', 'vafa' ),
				(string) (int) $s['customers'],
				Format::integer( (int) $s['customers'], $locale ),
				/* translators: %s: number of new customers */
				sprintf( __( '%s new in this range', 'vafa' ), Format::integer( (int) $s['new_customers'], $locale ) ),
			),
			array(
				'outstanding_points',
				__( 'Outstanding points', 'vafa' ),
				(string) (int) $s['outstanding_points'],
				Format::points( (int) $s['outstanding_points'], $locale ),
				__( 'available to customers now', 'vafa' ),
			),
			array(
				'liability',
				__( 'Liability', 'vafa' ),
				(string) (int) $s['liability_minor'],
				Format::money( (int) $s['liability_minor'], $exp, $currency, $locale ),
				__( 'outstanding points at the redemption rate', 'vafa' ),
			),
		);
		if ( is_array( $f['points'] ) ) {
			$cards[] = array(
				'redemption_rate',
				__( 'Redemption rate', 'vafa' ),
				number_format( (float) $f['points']['redemption_rate'], 2, '.', '' ),
				self::percent( (float) $f['points']['redemption_rate'], $locale ),
				/* translators: %s: breakage, a percentage */
				sprintf( __( 'breakage %s', 'vafa' ), self::percent( (float) ( $f['points']['breakage_rate'] ?? 0 ), $locale ) ),
			);
		} else {
			$cards[] = array( 'redemption_rate', __( 'Redemption rate', 'vafa' ), '', __( 'Not available', 'vafa' ), '' );
		}
		$cards[] = array(
			'repeat_purchase_rate',
			__( 'Repeat purchase rate', 'vafa' ),
			number_format( (float) $s['repeat_purchase_rate'], 2, '.', '' ),
			self::percent( (float) $s['repeat_purchase_rate'], $locale ),
			__( 'buyers with two or more orders', 'vafa' ),
		);
		$cards[] = array(
			'retention_rate',
			__( 'Retention rate', 'vafa' ),
			number_format( (float) $s['retention_rate'], 2, '.', '' ),
			self::percent( (float) $s['retention_rate'], $locale ),
			/* translators: %s: number of customers active at the start of the range */
			sprintf( __( 'of %s active at the start', 'vafa' ), Format::integer( (int) $s['active_at_start'], $locale ) ),
		);
		$cards[] = array(
			'average_order_value',
			__( 'Average order value', 'vafa' ),
			(string) (int) $s['average_order_value_minor'],
			Format::money( (int) $s['average_order_value_minor'], $exp, $currency, $locale ),
			/* translators: %s: number of orders */
			sprintf( __( '%s orders', 'vafa' ), Format::integer( (int) $s['orders'], $locale ) ),
		);
		echo '<div class="vafa-cards">';
		foreach ( $cards as $c ) {
			echo '<div class="vafa-card" data-figure="' . esc_attr( $c[0] ) . '" data-value="' . esc_attr( $c[2] ) . '"><span class="vafa-card-label">' . esc_html( $c[1] ) . '</span><span class="vafa-card-value"><bdi>' . esc_html( $c[3] ) . '</bdi></span><span class="vafa-card-note">' . esc_html( $c[4] ) . '</span></div>';
		}
		echo '</div>';
	}

	/**
	 * One chart's frame: the canvas the script draws on, or why there is none.
	 *
	 * @param string $id        Chart id.
	 * @param string $title     Title.
	 * @param bool   $available Whether there are figures.
	 * @param string $missing   What to say otherwise.
	 */
	private static function chart( string $id, string $title, bool $available, string $missing ): void {
		echo '<section class="vafa-chart" data-chart="' . esc_attr( $id ) . '"><h2>' . esc_html( $title ) . '</h2>';
		if ( $available ) {
			echo '<div class="vafa-chart-box"><canvas id="' . esc_attr( 'vafa-chart-' . $id ) . '" role="img" aria-label="' . esc_attr( $title ) . '"></canvas></div>';
		} else {
			echo '<p class="vafa-not-available">' . esc_html( $missing ) . '</p>';
		}
		echo '</section>';
	}

	/**
	 * The cohort heat map: each month's new customers and the share of them
	 * who ordered in each later month, shaded by that share.
	 *
	 * @param array<int,array<string,mixed>> $cohorts Cohorts in the range.
	 * @param string                         $locale  Locale.
	 * @param bool                           $jalali  Persian calendar.
	 */
	private static function cohorts( array $cohorts, string $locale, bool $jalali ): void {
		echo '<section class="vafa-cohorts"><h2>' . esc_html__( 'Cohorts: who came back', 'vafa' ) . '</h2>';
		if ( array() === $cohorts ) {
			echo '<p class="vafa-not-available">' . esc_html__( 'No new customers in this range.', 'vafa' ) . '</p></section>';
			return;
		}
		$cohorts = array_slice( $cohorts, -24 );
		$width   = 0;
		foreach ( $cohorts as $c ) {
			$width = max( $width, count( (array) $c['cells'] ) );
		}
		echo '<p class="description">' . esc_html__( 'Each row is the customers whose first paid order was in that month; each column the share of them who ordered again that many months later.', 'vafa' ) . '</p>';
		echo '<div class="vafa-cohort-scroll"><table class="widefat vafa-cohort-table"><thead><tr><th scope="col">' . esc_html__( 'First order in', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Customers', 'vafa' ) . '</th>';
		for ( $i = 1; $i < $width; $i++ ) {
			/* translators: %s: months after the first order */
			echo '<th scope="col">' . esc_html( sprintf( __( '+%s mo', 'vafa' ), Format::digits( (string) $i, $locale ) ) ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $cohorts as $c ) {
			echo '<tr data-cohort="' . esc_attr( (string) $c['month'] ) . '" data-size="' . esc_attr( (string) (int) $c['size'] ) . '"><th scope="row">' . esc_html( self::month_label( (string) $c['month'], $locale, $jalali ) ) . '</th><td>' . esc_html( Format::integer( (int) $c['size'], $locale ) ) . '</td>';
			$cells = array();
			foreach ( (array) $c['cells'] as $cell ) {
				$cells[ (int) $cell['offset'] ] = $cell;
			}
			for ( $i = 1; $i < $width; $i++ ) {
				if ( ! isset( $cells[ $i ] ) ) {
					echo '<td class="vafa-cohort-empty"></td>';
					continue;
				}
				$share = (float) $cells[ $i ]['share'];
				$alpha = number_format( min( 1.0, max( 0.06, $share / 100 ) ), 2, '.', '' );
				echo '<td class="vafa-cohort-cell' . ( $share >= 50 ? ' vafa-cohort-dark' : '' ) . '" style="background-color: rgba(34, 113, 177, ' . esc_attr( $alpha ) . ')" data-offset="' . esc_attr( (string) $i ) . '" data-share="' . esc_attr( (string) $cells[ $i ]['share'] ) . '" data-customers="' . esc_attr( (string) (int) $cells[ $i ]['customers'] ) . '" title="' . esc_attr( Format::integer( (int) $cells[ $i ]['customers'], $locale ) ) . '">' . esc_html( self::percent( $share, $locale ) ) . '</td>';
			}
			echo '</tr>';
		}
		echo '</tbody></table></div></section>';
	}

	/**
	 * Churn and RFM counts with their CSV exports.
	 *
	 * @param array<string,mixed> $f      Figures.
	 * @param string              $locale Locale.
	 * @param bool                $jalali Persian calendar.
	 */
	private static function exports( array $f, string $locale, bool $jalali ): void {
		echo '<section class="vafa-exports"><h2>' . esc_html__( 'Customer lists', 'vafa' ) . '</h2>';
		if ( is_array( $f['churn'] ) ) {
			/* translators: %s: a date */
			echo '<p>' . esc_html( sprintf( __( 'Churn on %s (CSV lists of every customer in the state):', 'vafa' ), self::day_label( $f['churn']['day'], $locale, $jalali ) ) ) . '</p><ul class="vafa-churn">';
			$states = array(
				'active'  => __( 'Active', 'vafa' ),
				'at_risk' => __( 'At risk', 'vafa' ),
				'lapsed'  => __( 'Lapsed', 'vafa' ),
			);
			foreach ( $states as $state => $label ) {
				$n = (int) ( $f['churn']['counts'][ $state ] ?? 0 );
				echo '<li data-state="' . esc_attr( $state ) . '" data-count="' . esc_attr( (string) $n ) . '">' . esc_html( $label ) . ': <strong>' . esc_html( Format::integer( $n, $locale ) ) . '</strong>';
				if ( in_array( $state, ReportExport::STATES, true ) ) {
					echo ' <a class="button button-small vafa-export" href="' . esc_url( ReportExport::url( 'churn', $state ) ) . '">' . esc_html__( 'Export CSV', 'vafa' ) . '</a>';
				}
				echo '</li>';
			}
			echo '</ul>';
		}
		if ( is_array( $f['rfm'] ) ) {
			echo '<table class="widefat striped vafa-rfm"><thead><tr><th scope="col">' . esc_html__( 'RFM segment', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Customers', 'vafa' ) . '</th><th></th></tr></thead><tbody>';
			foreach ( self::segment_names() as $key => $label ) {
				$n = (int) ( $f['rfm'][ $key ] ?? 0 );
				echo '<tr data-segment="' . esc_attr( $key ) . '" data-count="' . esc_attr( (string) $n ) . '"><td>' . esc_html( $label ) . '</td><td>' . esc_html( Format::integer( $n, $locale ) ) . '</td><td><a class="button button-small vafa-export" href="' . esc_url( ReportExport::url( 'rfm', $key ) ) . '">' . esc_html__( 'Export CSV', 'vafa' ) . '</a></td></tr>';
			}
			echo '</tbody></table>';
		}
		echo '</section>';
	}
}
