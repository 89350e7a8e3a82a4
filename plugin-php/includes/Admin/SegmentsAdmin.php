<?php
/**
 * WooCommerce > Vafa segments: RFM segments and churn states, their lists
 * and exports, and a surprise campaign for one of them.
 *
 * @package Vafa
 */

namespace Vafa\Admin;

use Vafa\ApiClient;
use Vafa\ApiException;
use Vafa\Format;
use Vafa\Program;
use Vafa\Reports\Figures;

defined( 'ABSPATH' ) || exit;

/**
 * Counts per RFM segment and per churn state (GET /v1/admin/reports/rfm and
 * /churn), the customers of the chosen one (the service's first page, up to
 * 100, with a CSV export of all through ReportExport), and "Start a surprise
 * campaign for this segment": a small form that starts POST
 * /v1/admin/campaigns with the filter {"segment": ...} or {"churn_state":
 * ...}, after the preview count, and shows the campaign's progress (GET
 * /v1/admin/campaigns/{id}). The lists are plain GET links; the campaign
 * posts to admin-post.php with the capability and a nonce.
 */
final class SegmentsAdmin {
	const SLUG   = 'vafa-segments';
	const ACTION = 'vafa_segments';
	const LIMITS = array( 20, 50, 100 );

	/**
	 * Hooks the menu entry (after the dashboard) and the form handler.
	 */
	public static function register(): void {
		add_action( 'admin_menu', array( self::class, 'menu' ), 20 );
		add_action( 'admin_post_' . self::ACTION, array( self::class, 'handle' ) );
	}

	/**
	 * Adds the page under WooCommerce.
	 */
	public static function menu(): void {
		add_submenu_page( 'woocommerce', __( 'Vafa segments', 'vafa' ), __( 'Vafa segments', 'vafa' ), 'manage_woocommerce', self::SLUG, array( self::class, 'render' ) );
	}

	/**
	 * The translated churn states.
	 *
	 * @return array<string,string>
	 */
	public static function state_names(): array {
		return array(
			'active'  => __( 'Active', 'vafa' ),
			'at_risk' => __( 'At risk', 'vafa' ),
			'lapsed'  => __( 'Lapsed', 'vafa' ),
		);
	}

	/**
	 * The page showing one list.
	 *
	 * @param string               $report 'rfm' or 'churn'.
	 * @param string               $which  Segment or churn state.
	 * @param array<string,string> $extra  More query arguments.
	 */
	public static function url( string $report, string $which, array $extra = array() ): string {
		return add_query_arg(
			array_merge(
				array(
					'page'       => self::SLUG,
					'vafa_list'  => $report,
					'vafa_which' => $which,
				),
				$extra
			),
			admin_url( 'admin.php' )
		);
	}

	/**
	 * A list the page knows, or null: an RFM segment, or the churn states a
	 * campaign and an export may name (at risk, lapsed).
	 *
	 * @param string $report 'rfm' or 'churn'.
	 * @param string $which  Segment or state.
	 * @return array{0:string,1:string}|null
	 */
	public static function valid( string $report, string $which ): ?array {
		if ( 'rfm' === $report && in_array( $which, Figures::SEGMENTS, true ) ) {
			return array( $report, $which );
		}
		if ( 'churn' === $report && in_array( $which, ReportExport::STATES, true ) ) {
			return array( $report, $which );
		}
		return null;
	}

	/**
	 * The campaign filter that chooses a list's customers.
	 *
	 * @param string $report 'rfm' or 'churn'.
	 * @param string $which  Segment or state.
	 * @return array<string,string>
	 */
	public static function filter( string $report, string $which ): array {
		return 'rfm' === $report ? array( 'segment' => $which ) : array( 'churn_state' => $which );
	}

	/**
	 * Whether the service chooses campaign customers by segment: it refuses
	 * an unknown segment (400). A service that predates the filter ignores
	 * the field and would count, and grant, every customer: never start a
	 * campaign there.
	 *
	 * @param ApiClient $client Client.
	 * @param string    $admin  Admin user id.
	 * @param string    $field  'segment' or 'churn_state'.
	 * @throws ApiException When the service cannot be asked.
	 */
	public static function supported( ApiClient $client, string $admin, string $field ): bool {
		try {
			$client->as_user( 'POST', '/v1/admin/campaigns/preview', $admin, 'admin', array( 'filter' => array( $field => 'no-such-segment' ) ), array(), 5.0 );
		} catch ( ApiException $e ) {
			if ( 400 === $e->status ) {
				return true;
			}
			throw $e;
		}
		return false;
	}

	/**
	 * Starts a campaign for the list the form names.
	 */
	public static function handle(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage Vafa.', 'vafa' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( 'vafa_segments_campaign' );
		$report = sanitize_key( wp_unslash( $_POST['vafa_list'] ?? '' ) );
		$which  = sanitize_key( wp_unslash( $_POST['vafa_which'] ?? '' ) );
		$locale = get_user_locale();
		$list   = self::valid( $report, $which );
		$notice = array( 'success', '' );
		$extra  = array();
		try {
			$client = ApiClient::connected();
			if ( null === $list || ! $client ) {
				throw new ApiException( null === $list ? __( 'Unknown segment.', 'vafa' ) : __( 'Connect the store first.', 'vafa' ), 'invalid' );
			}
			$admin  = (string) get_current_user_id();
			$filter = self::filter( $report, $which );
			if ( ! self::supported( $client, $admin, (string) key( $filter ) ) ) {
				throw new ApiException( __( 'This rewards service cannot choose a campaign\'s customers by segment yet: update it first. Nothing was started.', 'vafa' ), 'unsupported' );
			}
			$key    = sanitize_title( wp_unslash( $_POST['vafa_campaign_key'] ?? '' ) );
			$points = absint( wp_unslash( $_POST['vafa_campaign_points'] ?? 0 ) );
			$reward = absint( wp_unslash( $_POST['vafa_campaign_reward'] ?? 0 ) );
			$body   = array(
				'key'     => $key,
				'name'    => sanitize_text_field( wp_unslash( $_POST['vafa_campaign_name'] ?? '' ) ),
				'message' => sanitize_textarea_field( wp_unslash( $_POST['vafa_campaign_message'] ?? '' ) ),
				'filter'  => $filter,
			);
			if ( $reward > 0 && 0 === $points ) {
				$body['reward_id'] = (string) $reward;
			} else {
				// Points (or none: the service then says a campaign needs points or a reward).
				$body['points'] = $points;
				if ( $reward > 0 ) {
					throw new ApiException( __( 'A campaign gives either points or a reward.', 'vafa' ), 'invalid' );
				}
			}
			$answer = $client->as_user( 'POST', '/v1/admin/campaigns', $admin, 'admin', $body, array( 'Idempotency-Key' => 'campaign-' . $key ), 15.0 );
			$id     = (string) ( $answer['id'] ?? '' );
			$extra  = array( 'vafa_campaign' => $id );
			$same   = (array) ( $answer['filter'] ?? array() ) === $filter && (int) ( $answer['points'] ?? 0 ) === (int) ( $body['points'] ?? 0 ) && (string) ( $answer['reward_id'] ?? '' ) === (string) ( $body['reward_id'] ?? '' );
			if ( ! $same ) {
				// The key had started another campaign: the service answers that one.
				/* translators: %s: a campaign key */
				$notice = array( 'error', sprintf( __( 'The key %s already started another campaign (shown below); choose another key.', 'vafa' ), $key ) );
			} else {
				$total = (int) ( $answer['total'] ?? 0 );
				/* translators: %s: number of customers */
				$notice[1] = sprintf( _n( 'The campaign started for %s customer; its progress is shown below.', 'The campaign started for %s customers; its progress is shown below.', $total, 'vafa' ), Format::integer( $total, $locale ) );
			}
		} catch ( ApiException $e ) {
			$notice = array( 'error', ServiceErrors::message( $e, $locale ) );
		}
		set_transient( self::notice_key(), $notice, 60 );
		$url = null !== $list ? self::url( $report, $which, $extra ) : admin_url( 'admin.php?page=' . self::SLUG );
		wp_safe_redirect( $url . '#vafa-campaign' );
		exit;
	}

	/**
	 * Where the campaign's result waits for the next page view.
	 */
	private static function notice_key(): string {
		return 'vafa_segments_notice_' . get_current_user_id();
	}

	/**
	 * Prints the page.
	 */
	public static function render(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		$locale = get_user_locale();
		$jalali = DashboardAdmin::jalali();
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- read-only choices.
		$report = isset( $_GET['vafa_list'] ) ? sanitize_key( wp_unslash( $_GET['vafa_list'] ) ) : 'rfm';
		$which  = isset( $_GET['vafa_which'] ) ? sanitize_key( wp_unslash( $_GET['vafa_which'] ) ) : 'champions';
		$limit  = isset( $_GET['vafa_limit'] ) ? absint( wp_unslash( $_GET['vafa_limit'] ) ) : self::LIMITS[0];
		$camp   = isset( $_GET['vafa_campaign'] ) ? absint( wp_unslash( $_GET['vafa_campaign'] ) ) : 0;
		// phpcs:enable
		if ( null === self::valid( $report, $which ) ) {
			$report = 'rfm';
			$which  = 'champions';
		}
		$limit = in_array( $limit, self::LIMITS, true ) ? $limit : self::LIMITS[0];
		echo '<div class="wrap vafa-segments" data-list="' . esc_attr( $report ) . '" data-which="' . esc_attr( $which ) . '"><h1>' . esc_html__( 'Vafa segments', 'vafa' ) . '</h1>';
		$notice = get_transient( self::notice_key() );
		if ( is_array( $notice ) && '' !== (string) ( $notice[1] ?? '' ) ) {
			delete_transient( self::notice_key() );
			echo '<div class="notice notice-' . esc_attr( 'error' === $notice[0] ? 'error' : 'success' ) . ' vafa-notice"><p>' . esc_html( (string) $notice[1] ) . '</p></div>';
		}
		$client = ApiClient::connected();
		if ( ! $client ) {
			echo '<p>' . esc_html__( 'Connect the store first.', 'vafa' ) . ' <a href="' . esc_url( admin_url( 'admin.php?page=' . SettingsPage::SLUG ) ) . '">' . esc_html__( 'Vafa Loyalty', 'vafa' ) . '</a></p></div>';
			return;
		}
		$admin = (string) get_current_user_id();
		try {
			$rfm   = $client->as_user( 'GET', '/v1/admin/reports/rfm?' . ( 'rfm' === $report ? 'segment=' . $which . '&limit=' . $limit : 'limit=1' ), $admin, 'admin', null, array(), 5.0 );
			$churn = $client->as_user( 'GET', '/v1/admin/reports/churn?' . ( 'churn' === $report ? 'state=' . $which . '&limit=' . $limit : 'limit=1' ), $admin, 'admin', null, array(), 5.0 );
		} catch ( ApiException $e ) {
			echo '<div class="notice notice-error inline vafa-down"><p>' . esc_html( ApiClient::means_down( $e ) ? __( 'The rewards service could not be reached. Try again in a moment.', 'vafa' ) : ServiceErrors::message( $e, $locale ) ) . '</p></div></div>';
			return;
		}
		self::counts( $rfm, $churn, $report, $which, $locale, $jalali );
		self::customers( 'rfm' === $report ? $rfm : $churn, $report, $which, $limit, $locale, $jalali );
		self::campaign( $client, $admin, $report, $which, $camp, $locale );
		echo '</div>';
	}

	/**
	 * The counts per segment and per churn state, each with its list and export.
	 *
	 * @param array<string,mixed> $rfm    The RFM answer.
	 * @param array<string,mixed> $churn  The churn answer.
	 * @param string              $report The chosen report.
	 * @param string              $which  The chosen list.
	 * @param string              $locale Locale.
	 * @param bool                $jalali Persian calendar.
	 */
	private static function counts( array $rfm, array $churn, string $report, string $which, string $locale, bool $jalali ): void {
		echo '<div class="vafa-segment-counts">';
		echo '<table class="widefat striped vafa-rfm-counts"><caption class="screen-reader-text">' . esc_html__( 'Customers by RFM segment', 'vafa' ) . '</caption><thead><tr><th scope="col">' . esc_html__( 'RFM segment', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Customers', 'vafa' ) . '</th><th scope="col"></th></tr></thead><tbody>';
		foreach ( DashboardAdmin::segment_names() as $key => $label ) {
			$n = (int) ( $rfm['counts'][ $key ] ?? 0 );
			self::count_row( 'segment', 'rfm', $key, $label, $n, 'rfm' === $report && $key === $which, $locale );
		}
		echo '</tbody></table>';
		$day = (string) ( $churn['day'] ?? '' );
		/* translators: %s: a date */
		$caption = '' !== $day ? sprintf( __( 'Churn on %s', 'vafa' ), DashboardAdmin::day_label( $day, $locale, $jalali ) ) : __( 'Churn', 'vafa' );
		echo '<table class="widefat striped vafa-churn-counts"><caption>' . esc_html( $caption ) . '</caption><thead><tr><th scope="col">' . esc_html__( 'Churn state', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Customers', 'vafa' ) . '</th><th scope="col"></th></tr></thead><tbody>';
		foreach ( self::state_names() as $key => $label ) {
			$n = (int) ( $churn['counts'][ $key ] ?? 0 );
			if ( null === self::valid( 'churn', $key ) ) {
				echo '<tr data-state="' . esc_attr( $key ) . '" data-count="' . esc_attr( (string) $n ) . '"><td>' . esc_html( $label ) . '</td><td>' . esc_html( Format::integer( $n, $locale ) ) . '</td><td></td></tr>';
				continue;
			}
			self::count_row( 'state', 'churn', $key, $label, $n, 'churn' === $report && $key === $which, $locale );
		}
		echo '</tbody></table></div>';
	}

	/**
	 * One count with its links.
	 *
	 * @param string $attr    data- attribute name.
	 * @param string $report  'rfm' or 'churn'.
	 * @param string $key     Segment or state.
	 * @param string $label   Its name.
	 * @param int    $n       Customers.
	 * @param bool   $current Whether it is the list shown.
	 * @param string $locale  Locale.
	 */
	private static function count_row( string $attr, string $report, string $key, string $label, int $n, bool $current, string $locale ): void {
		echo '<tr data-' . esc_attr( $attr ) . '="' . esc_attr( $key ) . '" data-count="' . esc_attr( (string) $n ) . '"' . ( $current ? ' class="vafa-current" aria-current="true"' : '' ) . '><td>';
		echo $current ? '<strong>' . esc_html( $label ) . '</strong>' : '<a href="' . esc_url( self::url( $report, $key ) . '#vafa-list' ) . '">' . esc_html( $label ) . '</a>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped here.
		echo '</td><td>' . esc_html( Format::integer( $n, $locale ) ) . '</td><td><a class="button button-small vafa-export" href="' . esc_url( ReportExport::url( $report, $key ) ) . '">' . esc_html__( 'Export CSV', 'vafa' ) . '</a></td></tr>';
	}

	/**
	 * The chosen list's first customers.
	 *
	 * @param array<string,mixed> $answer The service's answer for the list.
	 * @param string              $report 'rfm' or 'churn'.
	 * @param string              $which  Segment or state.
	 * @param int                 $limit  How many were asked for.
	 * @param string              $locale Locale.
	 * @param bool                $jalali Persian calendar.
	 */
	private static function customers( array $answer, string $report, string $which, int $limit, string $locale, bool $jalali ): void {
		$names = 'rfm' === $report ? DashboardAdmin::segment_names() : self::state_names();
		$total = (int) ( $answer['counts'][ $which ] ?? 0 );
		$items = (array) ( $answer['items'] ?? array() );
		/* translators: 1: a segment's name, 2: number of customers */
		echo '<h2 id="vafa-list">' . esc_html( sprintf( _n( '%1$s: %2$s customer', '%1$s: %2$s customers', $total, 'vafa' ), $names[ $which ] ?? $which, Format::integer( $total, $locale ) ) ) . '</h2>';
		$sizes = array();
		foreach ( self::LIMITS as $n ) {
			$sizes[] = $n === $limit ? '<strong>' . esc_html( Format::integer( $n, $locale ) ) . '</strong>' : '<a href="' . esc_url( self::url( $report, $which, array( 'vafa_limit' => (string) $n ) ) . '#vafa-list' ) . '">' . esc_html( Format::integer( $n, $locale ) ) . '</a>';
		}
		$order = 'rfm' === $report ? __( 'largest spend first', 'vafa' ) : __( 'longest without an order first', 'vafa' );
		/* translators: 1: how the list is ordered, 2: links to list sizes */
		echo '<p class="description">' . sprintf( esc_html__( 'The first customers (%1$s); show %2$s. The CSV export has every customer of the list.', 'vafa' ), esc_html( $order ), implode( ' | ', $sizes ) ) . ' <a class="button button-small vafa-export" href="' . esc_url( ReportExport::url( $report, $which ) ) . '">' . esc_html__( 'Export CSV', 'vafa' ) . '</a></p>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped parts.
		if ( ! $items ) {
			echo '<p class="vafa-list-empty">' . esc_html__( 'Nothing here.', 'vafa' ) . '</p>';
			return;
		}
		$program = Program::get() ?? array();
		$exp     = (int) ( $program['currency_exponent'] ?? 2 );
		$cur     = (string) ( $program['currency'] ?? 'USD' );
		echo '<table class="widefat striped vafa-list" data-shown="' . esc_attr( (string) count( $items ) ) . '"><thead><tr><th scope="col">' . esc_html__( 'Customer', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'E-mail', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'First order', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Last order', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Orders', 'vafa' ) . '</th><th scope="col">' . esc_html__( 'Spend', 'vafa' ) . '</th>';
		if ( 'rfm' === $report ) {
			echo '<th scope="col"><abbr title="' . esc_attr__( 'Recency, frequency and monetary scores (5 is best)', 'vafa' ) . '">' . esc_html__( 'R F M', 'vafa' ) . '</abbr></th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $items as $c ) {
			$c   = (array) $c;
			$cid = isset( $c['customer_id'] ) ? (string) $c['customer_id'] : '';
			echo '<tr data-customer="' . esc_attr( $cid ) . '" data-orders="' . esc_attr( (string) (int) ( $c['orders'] ?? 0 ) ) . '" data-spend="' . esc_attr( (string) (int) ( $c['spend_minor'] ?? 0 ) ) . '"><td>';
			echo '' !== $cid ? '<a href="' . esc_url( CustomersAdmin::url( (int) $cid ) ) . '">#' . esc_html( Format::digits( $cid, $locale ) ) . '</a>' : esc_html__( 'Guest', 'vafa' ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped here.
			echo '</td><td><bdi>' . esc_html( (string) ( $c['email'] ?? '' ) ) . '</bdi></td>';
			foreach ( array( 'first_order_on', 'last_order_on' ) as $f ) {
				$day = (string) ( $c[ $f ] ?? '' );
				echo '<td class="vafa-date">' . esc_html( 1 === preg_match( '/^\d{4}-\d{2}-\d{2}$/', $day ) ? DashboardAdmin::day_label( $day, $locale, $jalali ) : '' ) . '</td>';
			}
			echo '<td>' . esc_html( Format::integer( (int) ( $c['orders'] ?? 0 ), $locale ) ) . '</td><td><bdi>' . esc_html( Format::money( (int) ( $c['spend_minor'] ?? 0 ), $exp, $cur, $locale ) ) . '</bdi></td>';
			if ( 'rfm' === $report ) {
				// Left to right like the heading: R, F, M in that order in every language.
				echo '<td><span dir="ltr">' . esc_html( Format::digits( sprintf( '%d %d %d', (int) ( $c['r'] ?? 0 ), (int) ( $c['f'] ?? 0 ), (int) ( $c['m'] ?? 0 ) ), $locale ) ) . '</span></td>';
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * The campaign for the list: its form behind a button (a details
	 * element, no script), with the service's preview count, and the
	 * campaigns already started for it with their progress.
	 *
	 * @param ApiClient $client Client.
	 * @param string    $admin  Admin user id.
	 * @param string    $report 'rfm' or 'churn'.
	 * @param string    $which  Segment or state.
	 * @param int       $camp   A campaign just started (0 for none).
	 * @param string    $locale Locale.
	 */
	private static function campaign( ApiClient $client, string $admin, string $report, string $which, int $camp, string $locale ): void {
		$filter = self::filter( $report, $which );
		$names  = 'rfm' === $report ? DashboardAdmin::segment_names() : self::state_names();
		echo '<section id="vafa-campaign" class="vafa-segment-campaign">';
		if ( $camp > 0 ) {
			try {
				$c = $client->as_user( 'GET', '/v1/admin/campaigns/' . $camp, $admin, 'admin', null, array(), 5.0 );
				self::progress( $c, $locale, true );
			} catch ( ApiException $e ) {
				echo '<p>' . esc_html( $e->getMessage() ) . '</p>';
			}
		}
		try {
			$supported = self::supported( $client, $admin, (string) key( $filter ) );
			$count     = $supported ? (int) ( $client->as_user( 'POST', '/v1/admin/campaigns/preview', $admin, 'admin', array( 'filter' => $filter ), array(), 5.0 )['count'] ?? 0 ) : 0;
		} catch ( ApiException $e ) {
			echo '<p>' . esc_html( ServiceErrors::message( $e, $locale ) ) . '</p></section>';
			return;
		}
		echo '<details class="vafa-campaign-form"><summary class="button button-primary">' . esc_html__( 'Start a surprise campaign for this segment', 'vafa' ) . '</summary>';
		if ( ! $supported ) {
			echo '<p class="vafa-unsupported">' . esc_html__( 'This rewards service cannot choose a campaign\'s customers by segment yet: update it first.', 'vafa' ) . '</p></details>';
		} else {
			/* translators: 1: number of customers, 2: a segment's name */
			echo '<p class="vafa-preview" data-count="' . esc_attr( (string) $count ) . '">' . esc_html( sprintf( _n( '%1$s customer of %2$s would get it now; the list is fixed when the campaign starts.', '%1$s customers of %2$s would get it now; the list is fixed when the campaign starts.', $count, 'vafa' ), Format::integer( $count, $locale ), $names[ $which ] ?? $which ) ) . '</p>';
			$today = current_time( 'Y-m-d' );
			$key   = str_replace( '_', '-', $which ) . '-' . $today;
			/* translators: 1: a segment's name, 2: a date */
			$name    = sprintf( __( '%1$s, %2$s', 'vafa' ), $names[ $which ] ?? $which, Format::date( time(), $locale ) );
			$rewards = '<option value="0">' . esc_html__( 'None', 'vafa' ) . '</option>';
			try {
				foreach ( (array) ( $client->as_user( 'GET', '/v1/admin/rewards', $admin, 'admin', null, array(), 3.0 )['items'] ?? array() ) as $r ) {
					if ( array_key_exists( 'active', (array) $r ) && empty( $r['active'] ) ) {
						continue;
					}
					$rewards .= '<option value="' . esc_attr( (string) (int) ( $r['id'] ?? 0 ) ) . '">' . esc_html( \Vafa\Tiers\Status::name( (array) ( $r['names'] ?? array() ), $locale ) ?: '#' . (string) ( $r['id'] ?? '' ) ) . '</option>';
				}
			} catch ( ApiException $e ) {
				unset( $e ); // Points still work without the catalog.
			}
			echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '"><input type="hidden" name="action" value="' . esc_attr( self::ACTION ) . '"><input type="hidden" name="vafa_list" value="' . esc_attr( $report ) . '"><input type="hidden" name="vafa_which" value="' . esc_attr( $which ) . '">';
			wp_nonce_field( 'vafa_segments_campaign' );
			echo '<table class="form-table"><tbody>'
				. '<tr><th><label for="vafa_campaign_key">' . esc_html__( 'Key (starting the same key twice grants nothing more)', 'vafa' ) . '</label></th><td><input id="vafa_campaign_key" name="vafa_campaign_key" dir="ltr" pattern="[a-z0-9_-]+" maxlength="100" required value="' . esc_attr( $key ) . '"></td></tr>'
				. '<tr><th><label for="vafa_campaign_name">' . esc_html__( 'Name', 'vafa' ) . '</label></th><td><input id="vafa_campaign_name" name="vafa_campaign_name" class="regular-text" maxlength="200" value="' . esc_attr( $name ) . '"></td></tr>'
				. '<tr><th><label for="vafa_campaign_points">' . esc_html__( 'Points to give', 'vafa' ) . '</label></th><td><input type="number" min="0" max="1000000000" id="vafa_campaign_points" name="vafa_campaign_points"> ' . esc_html__( 'or a reward', 'vafa' ) . ' <select name="vafa_campaign_reward" aria-label="' . esc_attr__( 'Reward', 'vafa' ) . '">' . $rewards . '</select></td></tr>' // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above.
				. '<tr><th><label for="vafa_campaign_message">' . esc_html__( 'Message to the customers', 'vafa' ) . '</label></th><td><textarea id="vafa_campaign_message" name="vafa_campaign_message" class="large-text" rows="2" maxlength="1000"></textarea></td></tr>'
				. '</tbody></table>';
			echo '<button type="submit" class="button button-primary">' . esc_html__( 'Start the campaign', 'vafa' ) . '</button></form></details>';
		}
		try {
			$all = (array) ( $client->as_user( 'GET', '/v1/admin/campaigns', $admin, 'admin', null, array(), 5.0 )['items'] ?? array() );
		} catch ( ApiException $e ) {
			$all = array();
		}
		$mine = array_filter(
			$all,
			static function ( $c ) use ( $filter, $camp ) {
				return (array) ( $c['filter'] ?? array() ) === $filter && (int) ( $c['id'] ?? 0 ) !== $camp;
			}
		);
		if ( $mine ) {
			echo '<h3>' . esc_html__( 'Campaigns for this segment', 'vafa' ) . '</h3>';
			foreach ( $mine as $c ) {
				self::progress( (array) $c, $locale, false );
			}
		}
		echo '</section>';
	}

	/**
	 * One campaign's progress.
	 *
	 * @param array<string,mixed> $c      The campaign.
	 * @param string              $locale Locale.
	 * @param bool                $fresh  Just started (read from GET /v1/admin/campaigns/{id}).
	 */
	private static function progress( array $c, string $locale, bool $fresh ): void {
		$total   = (int) ( $c['total'] ?? 0 );
		$granted = (int) ( $c['granted'] ?? 0 );
		$state   = (string) ( $c['state'] ?? '' );
		$states  = array(
			'running' => __( 'Running', 'vafa' ),
			'done'    => __( 'Done', 'vafa' ),
		);
		/* translators: %s: number of points */
		$gift    = ! empty( $c['points'] ) ? sprintf( __( '%s points', 'vafa' ), Format::points( (int) $c['points'], $locale ) ) : __( 'A reward', 'vafa' );
		$created = Format::unix( (string) ( $c['created_at'] ?? '' ) );
		echo '<div class="vafa-campaign' . ( $fresh ? ' notice notice-info inline' : '' ) . '" data-campaign="' . esc_attr( (string) ( $c['id'] ?? '' ) ) . '" data-state="' . esc_attr( $state ) . '" data-granted="' . esc_attr( (string) $granted ) . '" data-total="' . esc_attr( (string) $total ) . '">';
		echo '<p><strong><bdi>' . esc_html( (string) ( $c['name'] ?? '' ) ) . '</bdi></strong> <code>' . esc_html( (string) ( $c['key'] ?? '' ) ) . '</code> &middot; ' . esc_html( $gift ) . ( $created ? ' &middot; <span class="vafa-date">' . esc_html( Format::date( $created, $locale, true ) ) . '</span>' : '' ) . '</p>';
		/* translators: 1: customers granted, 2: customers chosen, 3: the campaign's state */
		$text = sprintf( _n( '%1$s of %2$s customer granted (%3$s)', '%1$s of %2$s customers granted (%3$s)', $total, 'vafa' ), Format::integer( $granted, $locale ), Format::integer( $total, $locale ), $states[ $state ] ?? $state );
		echo '<p><progress max="' . esc_attr( (string) max( 1, $total ) ) . '" value="' . esc_attr( (string) ( 0 === $total ? 1 : $granted ) ) . '"></progress> ' . esc_html( $text );
		if ( $fresh && 'running' === $state ) {
			echo ' <a href="' . esc_url( add_query_arg( 'vafa_campaign', (string) ( $c['id'] ?? '' ) ) . '#vafa-campaign' ) . '">' . esc_html__( 'Refresh', 'vafa' ) . '</a>';
		}
		echo '</p></div>';
	}
}
